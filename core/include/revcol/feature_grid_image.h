#pragma once
// Figures of one frame for exporters (OpenCV drawing on whole images; no per-pixel loops):
// a levels x columns grid of feature maps, the same grid for reconstruction errors, and the frame
// with the top-5 classes written over it. Safe to call from several threads at once.
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "revcol/analysis.h"
#include "revcol/colorize.h"
#include "revcol/feature_view.h"

namespace revcol {

struct FeatureGridStyle {
  int cell = 128;  // width of one cell in pixels (height follows the map's aspect ratio)
  ColormapId colormap = ColormapId::Viridis;
  Reduction reduction = Reduction::MeanAbs;
  int channel = 0;  // Reduction::Channel only
  // Normalisation: one range per level, shared by all columns, from these percentiles of the
  // level's reduced maps in this frame (so brightness compares across columns).
  double percentile_lo = 1.0;
  double percentile_hi = 99.0;
};

// Rows: levels 0..3 (top to bottom); columns: the network's columns 0..N-1 (left to right), with
// levelName(l) ("c0 (1/4)") / "col k" labels in the margins. 8-bit RGB. Throws revcol::Error without features.
cv::Mat renderFeatureGrid(const std::vector<ColumnAnalysis>& columns, const FeatureGridStyle& style);

// Rows: levels 0..3; columns: the recovered columns 0..N-2 of one reconstruction; each cell the
// mean |c' - c| map, one range per level from 0 to that level's maximum in this frame.
cv::Mat renderErrorGrid(const Reconstruction& reconstruction, int cell, ColormapId colormap);

// The frame (8-bit RGB) with the head's top classes (name and probability) in a shaded box at the
// top left. Frames with a longer side under min_side are first scaled up (nearest) so the text stays
// legible. A model without heads gets "no classification head".
cv::Mat renderClassificationOverlay(const cv::Mat& rgb, const HeadOutput* head,
                                    const std::vector<std::string>& class_names, int min_side = 320);

}  // namespace revcol
