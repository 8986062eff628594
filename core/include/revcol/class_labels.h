#pragma once
// Class names for classification heads: ImageNet-1k or Fashion-MNIST from resources/labels, or a
// user's file.
#include <string>
#include <vector>

namespace revcol {

// One name per line, in index order. Throws revcol::Error naming the file if it cannot be read.
std::vector<std::string> readLabelFile(const std::string& path);

// Folder of the shipped resources: $REVCOL_RESOURCES if set, else the source tree's resources/.
std::string resourceDir();

// Names for a head with num_classes outputs: ImageNet-1k names for 1000 classes, Fashion-MNIST's
// for 10 (the demo models), else "class 17" style index names (22k checkpoints, custom models)
// unless a label file is given.
std::vector<std::string> classNamesFor(int64_t num_classes, const std::string& label_file = {});

}  // namespace revcol
