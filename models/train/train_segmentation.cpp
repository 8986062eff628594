#include "train/train_segmentation.h"

#include <revcol/error.h>

namespace revcol::train {

int runTrainSegmentation(int, char**) { throw Error("revcol-train seg: not built yet"); }

}  // namespace revcol::train
