// The image part of mmseg's test pipeline (LoadImageFromFile, Resize keep_ratio, Normalize
// to_rgb) as mmcv 1.5.0 computes it with its cv2 backend.
#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "revcol/error.h"
#include "revcol/segmenter.h"

namespace revcol {

cv::Size mmsegRescaledSize(cv::Size original, int scale_long, int scale_short) {
  if (original.width < 1 || original.height < 1) throw Error("cannot resize an empty image");
  if (scale_long < 1 || scale_short < 1) throw Error("the test scale must be positive");
  // mmcv.rescale_size with a tuple scale: its larger value bounds the long edge, the smaller the short.
  const double long_edge = std::max(scale_long, scale_short), short_edge = std::min(scale_long, scale_short);
  const double w = original.width, h = original.height;
  const double s = std::min(long_edge / std::max(h, w), short_edge / std::min(h, w));
  // Python's int() truncates; the values are positive.
  return {static_cast<int>(w * s + 0.5), static_cast<int>(h * s + 0.5)};
}

cv::Mat mmsegResize(const cv::Mat& rgb, int scale_long, int scale_short) {
  if (rgb.empty() || rgb.type() != CV_8UC3) throw Error("the segmentation pipeline takes an 8-bit RGB image");
  const cv::Size size = mmsegRescaledSize(rgb.size(), scale_long, scale_short);
  if (size.width < 1 || size.height < 1)
    throw Error("the image (" + std::to_string(rgb.cols) + " x " + std::to_string(rgb.rows) +
                ") shrinks to nothing at this test scale");
  cv::Mat out;
  cv::resize(rgb, out, size, 0, 0, cv::INTER_LINEAR);
  return out;
}

FloatArray mmsegNormalize(const cv::Mat& rgb) {
  if (rgb.empty() || rgb.type() != CV_8UC3) throw Error("the segmentation pipeline takes an 8-bit RGB image");
  // mmseg keeps mean/std as float32 arrays; mmcv.imnormalize_ widens them to float64 and
  // multiplies by 1 / std: float((x - mean) * (1 / std)).
  static const float kMean[3] = {123.675f, 116.28f, 103.53f};
  static const float kStd[3] = {58.395f, 57.12f, 57.375f};
  FloatArray out;
  const int h = rgb.rows, w = rgb.cols;
  out.shape = {3, h, w};
  out.values.resize(size_t(3) * size_t(h) * size_t(w));
  for (int c = 0; c < 3; ++c) {
    const double mean = kMean[c], inv_std = 1.0 / double(kStd[c]);
    float* plane = out.values.data() + size_t(c) * size_t(h) * size_t(w);
    for (int y = 0; y < h; ++y) {
      const uint8_t* row = rgb.ptr<uint8_t>(y);
      for (int x = 0; x < w; ++x)
        plane[size_t(y) * size_t(w) + size_t(x)] = static_cast<float>((double(row[3 * x + c]) - mean) * inv_std);
    }
  }
  return out;
}

}  // namespace revcol
