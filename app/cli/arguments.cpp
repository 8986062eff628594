#include "arguments.h"

#include <cerrno>
#include <cstdlib>

#include "revcol/error.h"

namespace revcol::cli {

Arguments::Arguments(const std::vector<std::string>& args, const std::set<std::string>& options,
                     const std::set<std::string>& flags) {
  bool only_positional = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_positional || a.size() < 2 || a.rfind("--", 0) != 0) {
      positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    std::string name = a;
    std::string inline_value;
    bool has_inline = false;
    if (size_t eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      inline_value = a.substr(eq + 1);
      has_inline = true;
    }
    if (flags.count(name)) {
      if (has_inline) throw Error("option " + name + " takes no value");
      flags_.insert(name);
    } else if (options.count(name)) {
      if (has_inline) {
        values_[name] = inline_value;
      } else {
        if (i + 1 >= args.size()) throw Error("option " + name + " needs a value");
        values_[name] = args[++i];
      }
    } else {
      throw Error("unknown option " + name);
    }
  }
}

std::string Arguments::value(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::string Arguments::required(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw Error("missing " + name);
  return it->second;
}

int Arguments::intValue(const std::string& name, int fallback, int min, int max) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  errno = 0;
  char* end = nullptr;
  long v = std::strtol(it->second.c_str(), &end, 10);
  if (errno != 0 || end == it->second.c_str() || *end != '\0' || v < min || v > max)
    throw Error(name + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", got '" +
                it->second + "'");
  return int(v);
}

}  // namespace revcol::cli
