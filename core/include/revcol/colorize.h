#pragma once
// Drawing float maps as images for exporters (OpenCV; the GUI has its own Qt renderer).
#include <array>
#include <opencv2/core.hpp>
#include <string>

#include "revcol/float_array.h"

namespace revcol {

enum class ColormapId { Viridis, Magma, Gray };
ColormapId colormapFromName(const std::string& name);  // throws revcol::Error for unknown names

// H x W map -> 8-bit RGB, lo -> first colour, hi -> last (clamped; NaN black; hi <= lo: middle).
cv::Mat colorizeMap(const FloatArray& hw, float lo, float hi, ColormapId map);

// 3 x H x W in [0, 1] (e.g. PCA colours) -> 8-bit RGB.
cv::Mat unitChwToRgb(const FloatArray& chw);

// A normalised 3 x H x W image (x - mean) / std back to 8-bit RGB.
cv::Mat denormalizeToRgb(const FloatArray& chw, const std::array<float, 3>& mean, const std::array<float, 3>& std);

// Nearest-neighbour upscale so the longer side is at least min_side (feature maps are tiny).
cv::Mat upscaleNearest(const cv::Mat& image, int min_side);

}  // namespace revcol
