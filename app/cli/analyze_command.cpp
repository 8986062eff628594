// revcol-cli analyze --checkpoint CKPT [--preprocess imagenet|none] [--size N] [--precision fp32|fp64|fp32,fp64]
//                    [--mode step|chain|step,chain] [--raw] --out DIR IMAGE
// Writes summary.json, feature-map PNGs, error-map PNGs, decoder images, and with --raw .npy files.
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "arguments.h"
#include "commands.h"
#include "usage.h"
#include "revcol/result_json.h"
#include "model_options.h"
#include "revcol/atomic_file.h"
#include "revcol/class_labels.h"
#include "revcol/colorize.h"
#include "revcol/error.h"
#include "revcol/feature_view.h"
#include "revcol/image_io.h"
#include "revcol/level_name.h"
#include "revcol/npy.h"

namespace fs = std::filesystem;

namespace revcol::cli {
namespace {

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

AnalysisOptions analysisOptionsFrom(const Arguments& args) {
  AnalysisOptions o;
  o.precisions.clear();
  for (const std::string& p : splitList(args.value("--precision", "fp32,fp64"))) {
    if (p == "fp32")
      o.precisions.push_back(Precision::Float32);
    else if (p == "fp64")
      o.precisions.push_back(Precision::Float64);
    else
      throw Error("--precision takes fp32, fp64 or both comma-separated, got '" + p + "'");
  }
  o.modes.clear();
  for (const std::string& m : splitList(args.value("--mode", "step,chain"))) {
    if (m == "step")
      o.modes.push_back(ReconstructionMode::Step);
    else if (m == "chain")
      o.modes.push_back(ReconstructionMode::Chain);
    else
      throw Error("--mode takes step, chain or both comma-separated, got '" + m + "'");
  }
  if (o.precisions.empty() || o.modes.empty()) throw Error("--precision and --mode need at least one value");
  return o;
}

// File stems keep the numeric level ("col2_level1"): scripts glob them; the JSON carries levelName().
std::string levelStem(int column, int level) {
  return "col" + std::to_string(column) + "_level" + std::to_string(level);
}

}  // namespace

int runAnalyze(const std::vector<std::string>& argv) {
  Arguments args(argv,
                 {"--checkpoint", "--out", "--preprocess", "--size", "--precision", "--mode", "--device", "--weights",
                  "--labels", "--topk", "--colormap", "--threads"},
                 {"--raw", "--bf16"});
  if (args.positional().size() != 1) throw Error(usageLine("analyze"));
  const std::string image_path = args.positional()[0];
  const fs::path out = args.required("--out");
  const ColormapId colormap = colormapFromName(args.value("--colormap", "viridis"));
  const AnalysisOptions options = analysisOptionsFrom(args);
  const std::string checkpoint = args.required("--checkpoint");
  const InputPreparation prep = inputPreparationFrom(args, checkpoint);

  RevColModel model = RevColModel::load(checkpoint, loadOptionsFrom(args));
  const FloatArray input = loadInput(image_path, prep.preprocess);
  AnalysisResult result = model.analyze(input, options);

  std::error_code ec;
  for (const char* sub : {"features", "errors", "decoders"}) fs::create_directories(out / sub, ec);
  if (args.flag("--raw")) fs::create_directories(out / "raw", ec);
  if (ec || !fs::is_directory(out)) throw Error("cannot create output folder " + out.string());
  nlohmann::json files = nlohmann::json::array();
  auto written = [&files, &out](const fs::path& p) { files.push_back(fs::relative(p, out).string()); };

  // Feature maps: mean |activation|, one range per level shared by all columns so brightness
  // compares across columns.
  const int columns = int(result.columns.size());
  for (int l = 0; l < 4; ++l) {
    std::vector<FloatArray> maps;
    for (const ColumnAnalysis& c : result.columns)
      maps.push_back(reduceChannels(c.levels[size_t(l)], Reduction::MeanAbs));
    std::vector<const FloatArray*> ptrs;
    for (const FloatArray& m : maps) ptrs.push_back(&m);
    const ValueRange range = percentileRange(ptrs, 1, 99);
    for (int c = 0; c < columns; ++c) {
      const fs::path png = out / "features" / (levelStem(c, l) + ".png");
      saveImageAtomic(png.string(), upscaleNearest(colorizeMap(maps[size_t(c)], range.lo, range.hi, colormap), 224));
      written(png);
      if (args.flag("--raw")) {
        const fs::path npy = out / "raw" / (levelStem(c, l) + ".npy");
        saveNpy(npy.string(), result.columns[size_t(c)].levels[size_t(l)]);
        written(npy);
      }
    }
  }
  // Error maps of each reconstruction, one range per reconstruction.
  for (const Reconstruction& r : result.reconstructions) {
    const std::string tag = std::string(toString(r.mode)) + "_" + toString(r.precision);
    for (const ColumnReconstruction& c : r.columns)
      for (int l = 0; l < 4; ++l) {
        const FloatArray& map = c.levels[size_t(l)].map;
        if (map.empty()) continue;
        const ValueRange range = percentileRange({&map}, 0, 100);
        const fs::path png = out / "errors" / (tag + "_" + levelStem(c.target, l) + ".png");
        saveImageAtomic(png.string(), upscaleNearest(colorizeMap(map, 0.f, range.hi, ColormapId::Magma), 224));
        written(png);
      }
  }
  for (size_t k = 0; k < result.decoder_images.size(); ++k) {
    const fs::path png = out / "decoders" / ("decoder" + std::to_string(k) + ".png");
    saveImageAtomic(png.string(),
                    denormalizeToRgb(result.decoder_images[k], prep.preprocess.mean, prep.preprocess.std));
    written(png);
    if (args.flag("--raw")) {
      const fs::path npy = out / "raw" / ("decoder" + std::to_string(k) + ".npy");
      saveNpy(npy.string(), result.decoder_images[k]);
      written(npy);
    }
  }
  const Architecture& arch = model.info().architecture;
  const std::vector<std::string> names =
      arch.num_classes > 0 ? classNamesFor(arch.num_classes, args.value("--labels")) : std::vector<std::string>{};
  nlohmann::json heads = nlohmann::json::array();
  for (const HeadOutput& h : result.heads) {
    heads.push_back(toJson(h, names));
    if (args.flag("--raw")) {
      const fs::path npy = out / "raw" / ("head" + std::to_string(h.head) + "_logits.npy");
      saveNpy(npy.string(), FloatArray{{int64_t(h.logits.size())}, h.logits});
      written(npy);
    }
  }
  nlohmann::json reconstructions = nlohmann::json::array();
  for (const Reconstruction& r : result.reconstructions) reconstructions.push_back(toJson(r));
  nlohmann::json alphas = nlohmann::json::array();
  for (const ColumnAnalysis& c : result.columns) {
    nlohmann::json levels = nlohmann::json::array();
    for (int l = 0; l < 4; ++l) {
      nlohmann::json a = toJson(c.alphas[size_t(l)]);
      a["level"] = l;
      a["level_name"] = levelName(l);
      levels.push_back(a);
    }
    alphas.push_back({{"column", c.column}, {"levels", levels}});
  }
  nlohmann::json feature_shapes = nlohmann::json::array();
  if (!result.columns.empty())
    for (int l = 0; l < 4; ++l) feature_shapes.push_back(result.columns[0].levels[size_t(l)].shape);
  nlohmann::json level_names = nlohmann::json::array();  // feature_shapes[l] is levelName(l)
  for (int l = 0; l < 4; ++l) level_names.push_back(levelName(l));

  // "mode" is the name under its first key, kept for scripts that read it.
  nlohmann::json preprocess = toJson(prep.preprocess, prep.name);
  preprocess["mode"] = prep.name;
  preprocess["input_shape"] = input.shape;
  nlohmann::json summary = {
      {"image", image_path},
      {"model", toJson(model.info())},
      {"preprocess", preprocess},
      {"feature_shapes", feature_shapes},
      {"level_name", level_names},
      {"heads", heads},
      {"reconstruction", reconstructions},
      {"alphas", alphas},
      {"feature_png",
       {{"reduction", "mean_abs"},
        {"normalization", "per level, 1st-99th percentile"},
        {"colormap", args.value("--colormap", "viridis")}}},
      {"files", files},
  };
  writeFileAtomic((out / "summary.json").string(), summary.dump(2) + "\n");
  if (!prep.note.empty()) std::printf("%s\n", prep.note.c_str());
  std::printf("wrote %zu files and summary.json to %s\n", files.size(), out.string().c_str());
  return 0;
}

}  // namespace revcol::cli
