#pragma once
// A small parser for "revcol-cli <command> [--flag] [--option VALUE] [positional...]".
// Every mistake is a revcol::Error with a one-line reason.
#include <map>
#include <set>
#include <string>
#include <vector>

namespace revcol::cli {

class Arguments {
 public:
  // options: names that take a value ("--checkpoint"); flags: names that do not ("--json").
  Arguments(const std::vector<std::string>& args, const std::set<std::string>& options,
            const std::set<std::string>& flags);

  bool flag(const std::string& name) const { return flags_.count(name) > 0; }
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string value(const std::string& name, const std::string& fallback = {}) const;
  std::string required(const std::string& name) const;
  int intValue(const std::string& name, int fallback, int min, int max) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

}  // namespace revcol::cli
