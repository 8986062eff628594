// revcol-cli: the headless twin of RevCol Studio. Every command goes through revcol_core.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "commands.h"
#include "revcol/error.h"
#include "revcol/version.h"

namespace {

// One entry per command: its usage line(s) as `help` lists them and `COMMAND --help` prints them.
struct CommandHelp {
  const char* name;
  const char* text;
};

const CommandHelp kCommands[] = {
    {"info", "  info CKPT [--json]                        what the checkpoint holds (architecture from the weights)\n"},
    {"classify", "  classify --checkpoint CKPT [--topk K] [--json] [--all-heads] IMAGE...\n"},
    {"analyze",
     "  analyze --checkpoint CKPT --out DIR [--raw] [--precision fp32,fp64] [--mode step,chain] IMAGE\n"
     "          features of every column and level, reversible-reconstruction errors, alphas, heads\n"},
    {"detect",
     "  detect --checkpoint CKPT [--scale LONG,SHORT] [--score-thr T] [--out DIR] [--raw] IMAGE...\n"
     "          Cascade Mask R-CNN boxes, masks, labels and scores, drawn and as JSON (mmdet checkpoints)\n"},
    {"segment",
     "  segment --checkpoint CKPT [--scale LONG,SHORT] [--mode whole|slide] [--crop N] [--stride N] [--out DIR] [--raw] "
     "IMAGE...\n"
     "          UperNet label map, overlay and per-class shares (mmseg checkpoints)\n"},
    {"export",
     "  export --checkpoint CKPT --out DIR [--what overlay,features,errors,raw,cka] [--stride N] [--start S] [--end S]\n"
     "         [--recursive] [--no-video] [--colormap viridis|magma|gray] [--cell PX] [--resume] [--shard I/N] [--quiet]\n"
     "         INPUT...   images, folders, videos, webcam:N; every frame's analysis under DIR\n"},
};

const char* kCommonOptions =
    "common options: --device cpu|cuda  --weights model|ema  --preprocess imagenet|none  --size N\n"
    "                --threads N (CPU threads of the model; 0, the default: the physical cores not busy elsewhere;\n"
    "                export: --model-threads N)\n"
    "                --bf16 (classify/analyze/export/detect/segment: the backbone's MLPs multiply in bfloat16,\n"
    "                ~1e-2 drift)\n"
    "                --labels FILE (one class name per line)\n";

std::string usage() {
  std::string text = "usage: revcol-cli <command> [options]\n\ncommands:\n";
  for (const CommandHelp& c : kCommands) text += c.text;
  text += "  --version                                 print the version and the libtorch backend\n\n";
  text += kCommonOptions;
  text += "  help             this text; COMMAND --help: that command's usage\n";
  return text;
}

bool asksForHelp(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    if (a == "--help" || a == "-h") return true;
  return false;
}

int run(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::fputs(usage().c_str(), args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  for (const CommandHelp& c : kCommands)
    if (args[0] == c.name && asksForHelp(args)) {
      std::printf("usage: revcol-cli %s\n%s", c.text + 2, kCommonOptions);
      return 0;
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
