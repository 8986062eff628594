#include "usage.h"

namespace revcol::cli {
namespace {

struct CommandUsage {
  const char* name;
  const char* synopsis;  // after "revcol-cli "; may break over lines (indented continuation)
  const char* about;     // "" or lines of explanation, indented as in `help`
};

const CommandUsage kCommands[] = {
    {"info", "info CKPT [--json]", "          what the checkpoint holds (architecture from the weights)\n"},
    {"classify", "classify --checkpoint CKPT [--topk K] [--json] [--all-heads] IMAGE...", ""},
    {"analyze", "analyze --checkpoint CKPT --out DIR [--raw] [--precision fp32,fp64] [--mode step,chain] IMAGE",
     "          features of every column and level, reversible-reconstruction errors, alphas, heads\n"},
    {"detect", "detect --checkpoint CKPT [--scale LONG,SHORT] [--score-thr T] [--out DIR] [--raw] IMAGE...",
     "          Cascade Mask R-CNN boxes, masks, labels and scores, drawn and as JSON (mmdet checkpoints)\n"},
    {"segment",
     "segment --checkpoint CKPT [--scale LONG,SHORT] [--mode whole|slide] [--crop N] [--stride N] [--out DIR] [--raw] "
     "IMAGE...",
     "          UperNet label map, overlay and per-class shares (mmseg checkpoints)\n"},
    {"evaluate",
     "evaluate --checkpoint CKPT [--json] [--annotations FILE] [--label-maps DIR] [task options] INPUT...",
     "          scores against ground truth. classification: top-1/top-5 per head, INPUT = folders with one\n"
     "          sub-folder per class (3_dress/ or dress/); segmentation: mIoU, pixel accuracy, per-class IoU,\n"
     "          label maps DIR/<stem>.png or <stem>_labels.png beside each image; detection: COCO AP (bbox,\n"
     "          segm) against --annotations, INPUT optional (default: every image of the file)\n"},
    {"export",
     "export --checkpoint CKPT --out DIR [--what overlay,features,errors,raw,cka] [--stride N] [--start S] [--end S]\n"
     "         [--recursive] [--no-video] [--colormap viridis|magma|gray] [--cell PX] [--resume] [--shard I/N] [--quiet]\n"
     "         INPUT...",
     "         INPUT: images, folders, videos, webcam:N; every frame's analysis under DIR\n"},
};

const char* kCommonOptions =
    "common options: --device cpu|cuda  --weights model|ema  --preprocess imagenet|none  --size N\n"
    "                (default: the official 224 crop, or the image size of a model card CKPT.json)\n"
    "                --threads N (CPU threads of the model; 0, the default: the physical cores not busy elsewhere;\n"
    "                export: --model-threads N)\n"
    "                --bf16 (classify/analyze/export/detect/segment: the backbone's MLPs multiply in bfloat16,\n"
    "                ~1e-2 drift)\n"
    "                --labels FILE (one class name per line)\n";

const CommandUsage* find(const std::string& name) {
  for (const CommandUsage& c : kCommands)
    if (name == c.name) return &c;
  return nullptr;
}

std::string entry(const CommandUsage& c) { return "  " + std::string(c.synopsis) + "\n" + c.about; }

}  // namespace

std::string helpText() {
  std::string text = "usage: revcol-cli <command> [options]\n\ncommands:\n";
  for (const CommandUsage& c : kCommands) text += entry(c);
  text += "  --version                                 print the version and the libtorch backend\n\n";
  text += kCommonOptions;
  text += "  help             this text; COMMAND --help: that command's usage\n";
  return text;
}

std::string commandHelp(const std::string& name) {
  const CommandUsage* c = find(name);
  return c ? "usage: revcol-cli " + std::string(c->synopsis) + "\n" + c->about + kCommonOptions : "";
}

std::string usageLine(const std::string& name) {
  const CommandUsage* c = find(name);
  std::string line = "usage: revcol-cli ";
  // The synopsis on one line: a line break and the indentation after it become one space.
  for (const char* p = c ? c->synopsis : name.c_str(); *p; ++p) {
    if (*p != '\n') {
      line += *p;
      continue;
    }
    line += ' ';
    while (p[1] == ' ') ++p;
  }
  return line;
}

}  // namespace revcol::cli
