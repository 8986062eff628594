#pragma once
// Turning a C x H x W feature map into something a person can look at: a single H x W map
// (mean |activation|, L2 norm over channels, one channel) or 3 x H x W colours from PCA with a
// basis fitted per level and shared by all columns, so colours are comparable across columns.
#include <vector>

#include "revcol/float_array.h"

namespace revcol {

enum class Reduction { MeanAbs, L2Norm, Channel };

// chw: C x H x W. Returns H x W. Throws revcol::Error on a bad shape or channel index.
FloatArray reduceChannels(const FloatArray& chw, Reduction reduction, int channel = 0);

struct PcaBasis {
  int channels = 0;
  std::vector<float> mean;        // C
  std::vector<float> components;  // 3 x C, rows are unit principal directions, largest first
  std::vector<float> scale;       // 3: per-component spread used to map projections to [0, 1]
};

// Fits one basis over every pixel of every map given (all must have the same channel count).
PcaBasis fitPcaBasis(const std::vector<const FloatArray*>& maps);
// Projects chw onto the basis and maps each component to [0, 1] (clamped): 3 x H x W.
FloatArray projectPca(const FloatArray& chw, const PcaBasis& basis);

struct ValueRange {
  float lo = 0;
  float hi = 0;
};
// The p_lo and p_hi percentiles (0..100) of the finite values; min/max for 0 and 100.
ValueRange percentileRange(const std::vector<const FloatArray*>& arrays, double p_lo, double p_hi);

}  // namespace revcol
