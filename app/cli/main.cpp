// revcol-cli: the headless twin of RevCol Studio. Every command goes through revcol_core.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "commands.h"
#include "usage.h"
#include "revcol/error.h"
#include "revcol/version.h"

namespace {

bool asksForHelp(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    if (a == "--help" || a == "-h") return true;
  return false;
}

int run(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::fputs(revcol::cli::helpText().c_str(), args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (asksForHelp(args)) {
    const std::string help = revcol::cli::commandHelp(args[0]);
    if (!help.empty()) return std::fputs(help.c_str(), stdout), 0;
  }
  if (args[0] == "--version") {
    std::printf("%s\n", revcol::versionString().c_str());
    return 0;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "info") return revcol::cli::runInfo(rest);
  if (args[0] == "classify") return revcol::cli::runClassify(rest);
  if (args[0] == "analyze") return revcol::cli::runAnalyze(rest);
  if (args[0] == "detect") return revcol::cli::runDetect(rest);
  if (args[0] == "segment") return revcol::cli::runSegment(rest);
  if (args[0] == "export") return revcol::cli::runExport(rest);
  if (args[0] == "evaluate") return revcol::cli::runEvaluate(rest);
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
