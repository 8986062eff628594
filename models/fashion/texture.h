#pragma once
// Procedural backgrounds for FashionScenes: smooth value noise, stripes, checks and grain in
// muted colours, so that items must be told from texture by shape, not by a flat colour.
#include <opencv2/core.hpp>

#include "prng.h"

namespace revcol::fashion {

// An 8-bit RGB image of the given size; draws only from `rng`.
cv::Mat proceduralBackground(int width, int height, Prng& rng);

}  // namespace revcol::fashion
