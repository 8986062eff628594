#pragma once

namespace revcol::train {

// revcol-train det: trains the Cascade Mask R-CNN demo on FashionScenes (see the file header).
int runTrainDetection(int argc, char** argv);

}  // namespace revcol::train
