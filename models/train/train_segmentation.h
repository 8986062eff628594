#pragma once
// revcol-train seg: UperNet on a RevCol backbone, segmenting FashionScenes (mmseg layout).
namespace revcol::train {

int runTrainSegmentation(int argc, char** argv);

}  // namespace revcol::train
