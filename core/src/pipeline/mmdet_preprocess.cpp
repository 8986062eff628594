// mmdet 2.x test pipeline: Resize(keep_ratio) -> Normalize(to_rgb) -> Pad(size_divisor=32).
#include <revcol/detector.h>
#include <revcol/error.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace revcol {

MmdetInput mmdetPreprocess(const cv::Mat& rgb, int scale_long, int scale_short) {
  if (rgb.empty() || rgb.type() != CV_8UC3) throw Error("detection input must be a non-empty 8-bit RGB image");
  if (scale_long <= 0 || scale_short <= 0) throw Error("the test scale must be two positive sizes");
  const int h = rgb.rows, w = rgb.cols;
  // mmcv.rescale_size in double, then int(x * s + 0.5).
  const double long_edge = std::max(scale_long, scale_short), short_edge = std::min(scale_long, scale_short);
  const double s = std::min(long_edge / std::max(h, w), short_edge / std::min(h, w));
  const int new_w = static_cast<int>(w * s + 0.5), new_h = static_cast<int>(h * s + 0.5);
  if (new_w < 1 || new_h < 1) throw Error("the image is too small for this test scale");
  MmdetInput out;
  cv::resize(rgb, out.resized, cv::Size(new_w, new_h), 0, 0, cv::INTER_LINEAR);
  out.meta.ori_h = h;
  out.meta.ori_w = w;
  out.meta.img_h = new_h;
  out.meta.img_w = new_w;
  out.meta.scale_w = static_cast<float>(double(new_w) / w);
  out.meta.scale_h = static_cast<float>(double(new_h) / h);

  const int pad_h = (new_h + 31) / 32 * 32, pad_w = (new_w + 31) / 32 * 32;
  const float mean[3] = {123.675f, 116.28f, 103.53f}, stdv[3] = {58.395f, 57.12f, 57.375f};
  out.chw.shape = {3, pad_h, pad_w};
  out.chw.values.assign(size_t(3) * pad_h * pad_w, 0.f);
  for (int y = 0; y < new_h; ++y) {
    const uint8_t* row = out.resized.ptr<uint8_t>(y);
    for (int x = 0; x < new_w; ++x)
      for (int c = 0; c < 3; ++c)
        out.chw.values[(size_t(c) * pad_h + y) * pad_w + x] = (float(row[3 * x + c]) - mean[c]) / stdv[c];
  }
  return out;
}

}  // namespace revcol
