#pragma once
// Turns an analysis into one small RGB image per column and level for the current display mode.
// Ranges and PCA bases are shared by all columns of a level, so a cell's colours can be compared
// with its neighbours in the same row.
#include <array>
#include <opencv2/core.hpp>
#include <vector>

#include "app_state.h"
#include "revcol/analysis.h"

namespace revcol::live {

// [column][level]; an empty Mat where the mode has nothing to show (the last column has no
// reconstruction error: nothing inverts it).
std::vector<std::array<cv::Mat, 4>> colourCells(const AnalysisResult& analysis, const ViewSettings& view);

}  // namespace revcol::live
