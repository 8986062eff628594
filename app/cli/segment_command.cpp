// revcol-cli segment --checkpoint CKPT [--scale LONG,SHORT] [--mode whole|slide] [--crop N] [--stride N]
//                    [--out DIR] [--raw] [--device cpu|cuda] [--threads N] [--bf16] INPUT...
// Per input: DIR/<stem>_label.png (class index per pixel at the original size), DIR/<stem>_overlay.png
// and DIR/<stem>.json; with --raw, DIR/raw/<stem>_pass<P>_c<L>.npy (backbone levels) and
// DIR/raw/<stem>_pass<P>_decode_logits.npy for every backbone pass (one, or one per slide crop).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string_view>

#include "arguments.h"
#include "commands.h"
#include "usage.h"
#include "model_options.h"
#include "task_options.h"
#include "revcol/atomic_file.h"
#include "revcol/error.h"
#include "revcol/image_io.h"
#include "revcol/npy.h"
#include "revcol/segmenter.h"

namespace fs = std::filesystem;

namespace revcol::cli {
namespace {

// Label maps are written losslessly: 8-bit PNG for <= 256 classes, else 16-bit.
void saveLabelPng(const fs::path& path, const cv::Mat& labels) {
  std::vector<uint8_t> bytes;
  if (!cv::imencode(".png", labels, bytes)) throw Error("cannot encode the label map for " + path.string());
  writeFileAtomic(path.string(), std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace

int runSegment(const std::vector<std::string>& argv) {
  Arguments args(argv, {"--checkpoint", "--scale", "--mode", "--crop", "--stride", "--out", "--device", "--threads"},
                 {"--raw", "--bf16"});
  if (args.positional().empty()) throw Error(usageLine("segment"));
  const SegmentOptions options = segmentOptionsFrom(args);
  const fs::path out = args.value("--out", ".");
  std::error_code ec;
  fs::create_directories(out, ec);
  if (args.flag("--raw")) fs::create_directories(out / "raw", ec);
  if (!fs::is_directory(out)) throw Error("cannot create output folder " + out.string());

  Segmenter segmenter = Segmenter::load(args.required("--checkpoint"), loadOptionsFrom(args));
  const SegmenterInfo& info = segmenter.info();
  int failures = 0;
  for (const std::string& input : args.positional()) {
    try {
      const cv::Mat rgb = loadImageRgb(input);
      SegmentResult result = segmenter.segment(rgb, options);
      const std::string stem = fs::path(input).stem().string();
      nlohmann::json files = nlohmann::json::array();
      auto written = [&files, &out](const fs::path& p) { files.push_back(fs::relative(p, out).string()); };

      const fs::path label_png = out / (stem + "_label.png");
      saveLabelPng(label_png, result.labels);
      written(label_png);
      const fs::path overlay_png = out / (stem + "_overlay.png");
      saveImageAtomic(overlay_png.string(), segmentationOverlay(rgb, result, segmenter.palette()));
      written(overlay_png);
      if (args.flag("--raw")) {
        for (size_t p = 0; p < result.passes.size(); ++p) {
          const std::string tag = stem + "_pass" + std::to_string(p);
          for (size_t l = 0; l < 4; ++l) {
            const fs::path npy = out / "raw" / (tag + "_c" + std::to_string(l) + ".npy");
            saveNpy(npy.string(), result.passes[p].levels[l]);
            written(npy);
          }
          const fs::path npy = out / "raw" / (tag + "_decode_logits.npy");
          saveNpy(npy.string(), result.passes[p].decode_logits);
          written(npy);
        }
      }

      const SegmentSettings& s = result.settings;
      nlohmann::json present = nlohmann::json::array();
      for (const ClassShare& c : result.present)
        present.push_back({{"index", c.index}, {"name", c.name}, {"pixels", c.pixels}, {"share", c.share}});
      nlohmann::json passes = nlohmann::json::array();
      for (const SegmentPass& p : result.passes)
        passes.push_back({{"x", p.crop.x}, {"y", p.crop.y}, {"width", p.crop.width}, {"height", p.crop.height}});
      nlohmann::json settings = {{"mode", toString(s.mode)}, {"scale", {s.scale_long, s.scale_short}}};
      if (s.mode == SegmentMode::Slide) {
        // mmseg's (h, w) order, as in test_cfg.
        settings["crop_size"] = {s.crop.height, s.crop.width};
        settings["stride"] = {s.stride.height, s.stride.width};
      }
      nlohmann::json summary = {
          {"image", input},
          {"checkpoint", info.file},
          {"backbone", describe(info.backbone)},
          {"num_classes", info.num_classes},
          {"settings", settings},
          {"original_size", {rgb.cols, rgb.rows}},
          {"resized_size", {result.resized.width, result.resized.height}},
          {"passes", passes},
          {"classes", present},
          {"files", files},
      };
      writeFileAtomic((out / (stem + ".json")).string(), summary.dump(2) + "\n");
      std::printf("%s: %d x %d, %s, %zu classes present; wrote %s_label.png, %s_overlay.png, %s.json\n", input.c_str(),
                  rgb.cols, rgb.rows, toString(s.mode), result.present.size(), stem.c_str(), stem.c_str(),
                  stem.c_str());
    } catch (const Error& e) {
      ++failures;
      std::fprintf(stderr, "revcol-cli: %s\n", e.what());
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace revcol::cli
