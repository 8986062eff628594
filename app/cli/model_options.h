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
// --preprocess imagenet|none (default imagenet), --size N (224 default).
ImagenetPreprocess preprocessFrom(const Arguments& args);
// Reads the image (any OpenCV format) and runs the preprocessing.
FloatArray loadInput(const std::string& path, const ImagenetPreprocess& p);

}  // namespace revcol::cli
