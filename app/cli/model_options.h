#pragma once
// Options shared by the commands that load a model and feed it an image.
#include <string>

#include "arguments.h"
#include "revcol/float_array.h"
#include "revcol/model.h"
#include "revcol/preprocess.h"

namespace revcol::cli {

// --device cpu|cuda, --weights model|ema, --bf16 (a flag, where the command declares it), and the model's CPU threads
// from `threads_option` (0, the default: auto, see LoadOptions::threads; export names it --model-threads: its --threads
// are renderers).
LoadOptions loadOptionsFrom(const Arguments& args, const std::string& threads_option = "--threads");
// How an image is prepared: --preprocess imagenet|none and --size N (default: the official
// transform at 224). With neither given, a model card beside the checkpoint (revcol/model_card.h)
// warps images to the size the model was trained on, as RevCol Studio and revcol-live do.
struct InputPreparation {
  ImagenetPreprocess preprocess;
  std::string name;  // "imagenet", "none" or "model-card", as summary.json and exports record it
  std::string note;  // what the card decided, one line for the user; "" when no card did
};
InputPreparation inputPreparationFrom(const Arguments& args, const std::string& checkpoint);
// Reads the image (any OpenCV format) and runs the preprocessing.
FloatArray loadInput(const std::string& path, const ImagenetPreprocess& p);

}  // namespace revcol::cli
