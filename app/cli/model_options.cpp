#include "model_options.h"

#include <filesystem>

#include "revcol/error.h"
#include "revcol/image_io.h"
#include "revcol/model_card.h"

namespace fs = std::filesystem;

namespace revcol::cli {

LoadOptions loadOptionsFrom(const Arguments& args, const std::string& threads_option) {
  LoadOptions o;
  o.device = args.value("--device", "cpu");
  o.threads = args.intValue(threads_option, 0, 0, 1024);
  o.bf16 = args.flag("--bf16");
  const std::string weights = args.value("--weights", "model");
  if (weights == "ema")
    o.weights = WeightsPreference::Ema;
  else if (weights != "model")
    throw Error("--weights must be 'model' or 'ema', got '" + weights + "'");
  return o;
}

InputPreparation inputPreparationFrom(const Arguments& args, const std::string& checkpoint) {
  const std::string mode = args.value("--preprocess", "imagenet");
  const int size = args.intValue("--size", 224, 32, 4096);
  if (mode == "imagenet") {
    const int card = args.has("--preprocess") || args.has("--size") ? 0 : modelCardImageSize(checkpoint);
    if (card == 0) return {officialImagenetEval(size), mode, ""};
    const std::string side = std::to_string(card);
    return {cardPreprocess(card), "model-card",
            "input warped to " + side + " x " + side + ", the size the model card " +
                fs::path(checkpoint).filename().string() + ".json names (--size or --preprocess overrides)"};
  }
  if (mode == "none") {
    ImagenetPreprocess p;
    p.mode = ResizeMode::None;
    return {p, mode, ""};
  }
  throw Error("--preprocess must be 'imagenet' or 'none', got '" + mode + "'");
}

FloatArray loadInput(const std::string& path, const ImagenetPreprocess& p) {
  return preprocessImagenet(loadImageRgb(path), p);
}

}  // namespace revcol::cli
