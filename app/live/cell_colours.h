#pragma once
// Turns an analysis into one small RGB image per column and level for the current display mode,
// with the scale of every level (drawn as a colour bar with its end values) and, in the
// reconstruction error mode, the number of every cell. Ranges and PCA bases are shared by all
// columns of a level, so a cell's colours can be compared with its neighbours in the same row.
#include <array>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "app_state.h"
#include "revcol/analysis.h"
#include "revcol/colorize.h"

namespace revcol::live {

// How the colours of one level (one grid row) map to values.
struct LevelScale {
  bool valid = false;  // false: nothing in this row has colours
  bool pca = false;    // red, green, blue = the first three components, each from -pca_half[i] to +pca_half[i]
  ColormapId colormap = ColormapId::Viridis;
  bool log10 = false;  // lo/hi are log10 of the values (the colours are even in log10)
  float lo = 0;        // the value at the colour bar's first colour (as log10 when log10)
  float hi = 0;
  std::array<float, 3> pca_half{};
  std::string quantity;  // what the values are: "mean |activation|", "channel 5", ...
};

struct ColouredCells {
  // [column][level] 8-bit RGB; an empty Mat where the mode has nothing to show (the last column
  // has no reconstruction error: there is no next column to invert it from).
  std::vector<std::array<cv::Mat, 4>> cells;
  std::array<LevelScale, 4> scales;
  // Reconstruction error mode: ||c' - c|| / ||c|| of each cell; negative where there is none.
  std::vector<std::array<double, 4>> rel_error;
};

ColouredCells colourCells(const AnalysisResult& analysis, const ViewSettings& view);

// A value of a scale as the colour bar writes it: "0.42", "12.5", "3.1e-07" (log scales give
// 10^v back).
std::string scaleLabel(const LevelScale& scale, float v);

}  // namespace revcol::live
