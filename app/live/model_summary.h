#pragma once
// The model in the header, in words a class can read: "4 columns, widths 24/48/96/192, 10 classes,
// a prediction after every column" rather than the checkpoint's jargon (layers, k3, cls_blocks).
#include <cstdint>
#include <string>

#include "revcol/architecture.h"

namespace revcol::live {

std::string plainModelSummary(const Architecture& arch);
// "2.5 million weights"
std::string weightCount(int64_t parameters);

}  // namespace revcol::live
