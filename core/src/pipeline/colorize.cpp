#include "revcol/colorize.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "revcol/error.h"

namespace revcol {

ColormapId colormapFromName(const std::string& name) {
  if (name == "viridis") return ColormapId::Viridis;
  if (name == "magma") return ColormapId::Magma;
  if (name == "gray") return ColormapId::Gray;
  throw Error("unknown colormap '" + name + "' (viridis, magma, gray)");
}

cv::Mat colorizeMap(const FloatArray& hw, float lo, float hi, ColormapId map) {
  if (hw.shape.size() != 2 || hw.numel() != int64_t(hw.values.size()) || hw.values.empty())
    throw Error("colorizeMap: expected a non-empty H x W map");
  const int h = int(hw.shape[0]), w = int(hw.shape[1]);
  cv::Mat src(h, w, CV_32F, const_cast<float*>(hw.values.data()));
  cv::Mat nan_mask = src != src;  // NaN is the only value not equal to itself
  cv::Mat u8;
  if (hi > lo) {
    src.convertTo(u8, CV_8U, 255.0 / (double(hi) - lo), -double(lo) * 255.0 / (double(hi) - lo));  // saturates
  } else {
    u8 = cv::Mat(h, w, CV_8U, cv::Scalar(128));
  }
  cv::Mat rgb;
  if (map == ColormapId::Gray) {
    cv::cvtColor(u8, rgb, cv::COLOR_GRAY2RGB);
  } else {
    cv::Mat bgr;
    cv::applyColorMap(u8, bgr, map == ColormapId::Viridis ? cv::COLORMAP_VIRIDIS : cv::COLORMAP_MAGMA);
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  }
  rgb.setTo(cv::Scalar(0, 0, 0), nan_mask);
  return rgb;
}

cv::Mat unitChwToRgb(const FloatArray& chw) {
  if (chw.shape.size() != 3 || chw.shape[0] != 3 || chw.numel() != int64_t(chw.values.size()))
    throw Error("unitChwToRgb: expected 3 x H x W");
  const int h = int(chw.shape[1]), w = int(chw.shape[2]);
  std::vector<cv::Mat> planes;
  for (int c = 0; c < 3; ++c) {
    cv::Mat plane(h, w, CV_32F, const_cast<float*>(chw.values.data()) + size_t(c) * h * w), u8;
    plane.convertTo(u8, CV_8U, 255.0);
    planes.push_back(u8);
  }
  cv::Mat rgb;
  cv::merge(planes, rgb);
  return rgb;
}

cv::Mat denormalizeToRgb(const FloatArray& chw, const std::array<float, 3>& mean, const std::array<float, 3>& std) {
  if (chw.shape.size() != 3 || chw.shape[0] != 3 || chw.numel() != int64_t(chw.values.size()))
    throw Error("denormalizeToRgb: expected 3 x H x W");
  const int h = int(chw.shape[1]), w = int(chw.shape[2]);
  std::vector<cv::Mat> planes;
  for (int c = 0; c < 3; ++c) {
    cv::Mat plane(h, w, CV_32F, const_cast<float*>(chw.values.data()) + size_t(c) * h * w), u8;
    plane.convertTo(u8, CV_8U, 255.0 * std[size_t(c)], 255.0 * mean[size_t(c)]);
    planes.push_back(u8);
  }
  cv::Mat rgb;
  cv::merge(planes, rgb);
  return rgb;
}

cv::Mat upscaleNearest(const cv::Mat& image, int min_side) {
  const int longer = std::max(image.cols, image.rows);
  if (longer <= 0 || longer >= min_side) return image;
  const int factor = (min_side + longer - 1) / longer;
  cv::Mat out;
  cv::resize(image, out, cv::Size(image.cols * factor, image.rows * factor), 0, 0, cv::INTER_NEAREST);
  return out;
}

}  // namespace revcol
