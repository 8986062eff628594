// revcol-train cls|seg|det|memory ...: trains the demo RevCol models of models/demo on FashionScenes
// (see models/README.md for the exact commands) and measures the reversible backward's memory.
#include <cstdio>
#include <string>

#include "train/detection/train_detection.h"
#include "train/memory_bench.h"
#include "train/train_classification.h"
#include "train/train_segmentation.h"

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    if (command == "cls") return revcol::train::runTrainClassification(argc - 1, argv + 1);
    if (command == "seg") return revcol::train::runTrainSegmentation(argc - 1, argv + 1);
    if (command == "det") return revcol::train::runTrainDetection(argc - 1, argv + 1);
    if (command == "memory") return revcol::train::runMemoryBench(argc - 1, argv + 1);
    std::fprintf(stderr, "usage: revcol-train cls|seg|det|memory [options] (see models/README.md)\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "revcol-train: %s\n", e.what());
    return 1;
  }
}
