#pragma once
// revcol-train cls: a RevCol classifier with intermediate supervision on FashionScenes items.
namespace revcol::train {

int runTrainClassification(int argc, char** argv);

}  // namespace revcol::train
