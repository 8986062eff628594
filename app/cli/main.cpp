// revcol-cli: the headless twin of RevCol Studio. Every command goes through revcol_core.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "revcol/error.h"
#include "revcol/version.h"

namespace {

const char* kUsage =
    "usage: revcol-cli <command> [options]\n"
    "\n"
    "commands:\n"
    "  --version        print the version and the libtorch backend\n"
    "  help             this text\n";

int run(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::printf("%s\n", revcol::versionString().c_str());
    return 0;
  }
  throw revcol::Error("unknown command '" + args[0] + "' (see revcol-cli help)");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return run(args);
  } catch (const revcol::Error& e) {
    std::fprintf(stderr, "revcol-cli: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "revcol-cli: internal error: %s\n", e.what());
    return 3;
  }
}
