// revcol-cli detect --checkpoint CKPT [--scale LONG,SHORT] [--score-thr T] [--out DIR] [--raw] INPUT...
// Per input: DIR/<stem>.json (COCO-style list, masks as compressed RLE) and DIR/<stem>_overlay.png;
// with --raw, DIR/raw/<stem>_<tensor>.npy (network input, backbone levels, FPN levels, RPN scores,
// proposals, per-stage logits and deltas, detections, mask logits).
#include <cstdio>
#include <filesystem>

#include "arguments.h"
#include "commands.h"
#include "usage.h"
#include "model_options.h"
#include "task_options.h"
#include "revcol/atomic_file.h"
#include "revcol/detector.h"
#include "revcol/error.h"
#include "revcol/image_io.h"
#include "revcol/npy.h"

namespace fs = std::filesystem;

namespace revcol::cli {

int runDetect(const std::vector<std::string>& argv) {
  Arguments args(argv, {"--checkpoint", "--scale", "--score-thr", "--out", "--device", "--weights", "--threads"},
                 {"--raw", "--bf16"});
  if (args.positional().empty()) throw Error(usageLine("detect"));
  DetectOptions options = detectOptionsFrom(args);
  options.raw = args.flag("--raw");
  const fs::path out = args.value("--out", ".");
  std::error_code ec;
  fs::create_directories(out, ec);
  if (options.raw) fs::create_directories(out / "raw", ec);
  if (!fs::is_directory(out)) throw Error("cannot create output folder " + out.string());

  Detector detector = Detector::load(args.required("--checkpoint"), loadOptionsFrom(args));
  for (const std::string& input : args.positional()) {
    const cv::Mat rgb = loadImageRgb(input);
    DetectResult r = detector.detect(rgb, options);
    const std::string stem = fs::path(input).stem().string();
    writeFileAtomic((out / (stem + ".json")).string(), detectionsToCocoJson(r.objects));
    saveImageAtomic((out / (stem + "_overlay.png")).string(), drawDetections(rgb, r.objects, detector.palette()));
    if (options.raw)
      for (const auto& [name, array] : r.raw)
        if (!array.shape.empty() && array.numel() > 0)
          saveNpy((out / "raw" / (stem + "_" + name + ".npy")).string(), array);
    const DetectionTimings& t = r.timings;
    std::printf(
        "%s: %zu detections (%dx%d -> %dx%d; backbone %.0f ms, FPN+RPN %.0f ms, RoI heads %.0f ms, masks %.0f ms, "
        "paste %.0f ms)\n",
        input.c_str(), r.objects.size(), r.meta.ori_w, r.meta.ori_h, r.meta.img_w, r.meta.img_h, t.backbone_ms,
        t.fpn_rpn_ms, t.roi_heads_ms, t.mask_ms, t.paste_ms);
  }
  return 0;
}

}  // namespace revcol::cli
