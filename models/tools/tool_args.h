#pragma once
// "--name value" / "--flag" arguments of the models/ tools. Unknown options are errors, so a typo
// never silently falls back to a default.
#include <revcol/error.h>

#include <map>
#include <set>
#include <string>

namespace revcol::tools {

class ToolArgs {
 public:
  ToolArgs(int argc, char** argv, const std::set<std::string>& valued, const std::set<std::string>& flags) {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (flags.count(a)) {
        values_[a] = "1";
      } else if (valued.count(a)) {
        if (i + 1 >= argc) throw Error(a + " needs a value");
        values_[a] = argv[++i];
      } else {
        throw Error("unknown argument '" + a + "' (see --help)");
      }
    }
  }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  bool flag(const std::string& name) const { return has(name); }
  std::string value(const std::string& name, const std::string& fallback = {}) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
  }
  long long integer(const std::string& name, long long fallback, long long lo, long long hi) const {
    if (!has(name)) return fallback;
    const std::string s = value(name);
    size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != s.size() || s.empty() || v < lo || v > hi)
      throw Error(name + " takes an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got '" + s +
                  "'");
    return v;
  }
  double real(const std::string& name, double fallback) const {
    if (!has(name)) return fallback;
    try {
      return std::stod(value(name));
    } catch (const std::exception&) {
      throw Error(name + " takes a number, got '" + value(name) + "'");
    }
  }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace revcol::tools
