#pragma once
// A model card: CHECKPOINT.json beside a checkpoint, as revcol-train writes for the models it
// trains (models/demo). It records how the model was trained; the tools read the one thing that
// changes how an input must be prepared: the square image size it learnt on. Official checkpoints
// have no card and keep the official ImageNet transform.
#include <string>

#include "revcol/preprocess.h"

namespace revcol {

// "image_size" of CHECKPOINT.json (32 to 4096), or 0 when there is no card or it does not say.
// An unreadable card only loses its default: it is not an error.
int modelCardImageSize(const std::string& checkpoint);

// What a model trained on size x size images expects: the whole image warped to that square
// (revcol-train's input), ImageNet mean and std.
ImagenetPreprocess cardPreprocess(int size);

}  // namespace revcol
