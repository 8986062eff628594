#pragma once
// The one exception type core throws: a message a user can act on (file, position, what is wrong).
// Only app/ turns it into a dialog or an exit code.
#include <stdexcept>
#include <string>

namespace revcol {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace revcol
