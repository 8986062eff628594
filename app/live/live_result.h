#pragma once
// One analysed frame, ready to draw: the frame's own pixels and index travel with the maps
// computed from them, so the view can never show an input beside maps of another frame.
#include <array>
#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "app_state.h"
#include "cell_colours.h"
#include "revcol/analysis.h"

namespace revcol::live {

// One classification head's best class.
struct HeadTop1 {
  int column = 0;  // the column whose output the head reads
  int64_t index = 0;
  std::string name;
  float probability = 0;
};

struct LiveResult {
  uint64_t frame_seq = 0;  // the source's index of the analysed frame
  cv::Mat frame;           // that frame's 8-bit RGB pixels, exactly as analysed (shared, never written)
  ViewSettings view;
  int columns = 0;
  ColouredCells coloured;
  std::array<int64_t, 4> level_channels{};
  std::vector<HeadTop1> heads;  // in column order; empty without a classification head
  double model_ms = 0;          // analysis time of this frame
};

// Colours `analysis` (computed from `frame`) for `view`. Class names index the heads' classes
// (a missing name becomes the index).
LiveResult makeLiveResult(const AnalysisResult& analysis, const cv::Mat& frame, uint64_t frame_seq,
                          const ViewSettings& view, const std::vector<std::string>& class_names);

}  // namespace revcol::live
