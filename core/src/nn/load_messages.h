#pragma once
// Pieces of the messages weight loaders give when a state dict does not fit the modules built
// (shared by the backbone loader and the task heads).
#include <torch/types.h>

#include <sstream>
#include <string>
#include <vector>

namespace revcol {

inline bool startsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}
inline bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "[64, 3, 4, 4]"
inline std::string shapeText(torch::IntArrayRef s) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < s.size(); ++i) out << (i ? ", " : "") << s[i];
  out << "]";
  return out.str();
}

// "3 missing (a, b, c, ...)": the first few names and the count.
inline std::string listText(const std::string& what, const std::vector<std::string>& names) {
  std::ostringstream out;
  out << names.size() << " " << what << " (";
  for (size_t i = 0; i < names.size() && i < 5; ++i) out << (i ? ", " : "") << names[i];
  if (names.size() > 5) out << ", ...";
  out << ")";
  return out.str();
}

}  // namespace revcol
