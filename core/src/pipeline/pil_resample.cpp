// Pillow's bicubic resampling (libImaging/Resample.c, Pillow 9.4), written from its description so
// that results are equal on every uint8: a separable convolution whose kernel support widens by the
// shrink factor (antialiasing), weights normalised to sum 1 in double, then rounded to fixed point
// with 22 fractional bits; each pass rounds (+ half) and clips to 0..255 before the next one. The
// horizontal pass runs first, the vertical one on its output; a pass whose size does not change is
// skipped. (Pillow only runs the horizontal pass on the rows the vertical pass reads; that changes
// no value, so every row is processed here.)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "revcol/error.h"
#include "revcol/preprocess.h"

namespace revcol {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;  // 8 bits of result, 2 for over/undershoot, sign

// Keys' cubic convolution kernel with a = -0.5, written with Pillow's operation order so that the
// double weights, and hence the rounded fixed-point ones, are the same.
double bicubic(double x) {
  constexpr double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}
constexpr double kBicubicSupport = 2.0;

// Per output index: the first input index, the tap count and the fixed-point weights.
struct Taps {
  int ksize = 0;
  std::vector<int> first;
  std::vector<int> count;
  std::vector<int32_t> weights;  // outSize x ksize
};

Taps precomputeTaps(int inSize, int outSize) {
  // Pillow passes the box (0, 0, w, h) as floats; their difference is exact for any image size.
  const double scale = static_cast<double>(static_cast<float>(inSize)) / outSize;
  const double filterscale = std::max(scale, 1.0);
  const double support = kBicubicSupport * filterscale;
  Taps t;
  t.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  t.first.resize(outSize);
  t.count.resize(outSize);
  t.weights.assign(static_cast<size_t>(outSize) * t.ksize, 0);
  std::vector<double> w(t.ksize);
  for (int xx = 0; xx < outSize; ++xx) {
    const double center = (xx + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    // Truncation toward zero of (value + 0.5), as Pillow's "round" does, then clamped.
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      w[x] = bicubic((x + xmin - center + 0.5) * ss);
      ww += w[x];
    }
    int32_t* k = &t.weights[static_cast<size_t>(xx) * t.ksize];
    for (int x = 0; x < xmax; ++x) {
      const double v = ww != 0.0 ? w[x] / ww : w[x];
      // Round half away from zero to fixed point.
      k[x] = v < 0 ? static_cast<int32_t>(-0.5 + v * (1 << kPrecisionBits))
                   : static_cast<int32_t>(0.5 + v * (1 << kPrecisionBits));
    }
    t.first[xx] = xmin;
    t.count[xx] = xmax;
  }
  return t;
}

inline uint8_t clip8(int32_t acc) {
  const int32_t v = acc >> kPrecisionBits;  // arithmetic shift: floor, as Pillow's lookup table
  return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

cv::Mat resampleHorizontal(const cv::Mat& in, int outW) {
  const int ch = in.channels();
  const Taps t = precomputeTaps(in.cols, outW);
  cv::Mat out(in.rows, outW, in.type());
  for (int y = 0; y < in.rows; ++y) {
    const uint8_t* src = in.ptr<uint8_t>(y);
    uint8_t* dst = out.ptr<uint8_t>(y);
    for (int xx = 0; xx < outW; ++xx) {
      const int32_t* k = &t.weights[static_cast<size_t>(xx) * t.ksize];
      const uint8_t* s = src + static_cast<size_t>(t.first[xx]) * ch;
      for (int c = 0; c < ch; ++c) {
        int32_t acc = 1 << (kPrecisionBits - 1);
        for (int x = 0; x < t.count[xx]; ++x) acc += s[x * ch + c] * k[x];
        dst[xx * ch + c] = clip8(acc);
      }
    }
  }
  return out;
}

cv::Mat resampleVertical(const cv::Mat& in, int outH) {
  const int ch = in.channels();
  const int rowLen = in.cols * ch;
  const Taps t = precomputeTaps(in.rows, outH);
  cv::Mat out(outH, in.cols, in.type());
  std::vector<int32_t> acc(rowLen);
  for (int yy = 0; yy < outH; ++yy) {
    const int32_t* k = &t.weights[static_cast<size_t>(yy) * t.ksize];
    std::fill(acc.begin(), acc.end(), 1 << (kPrecisionBits - 1));
    for (int y = 0; y < t.count[yy]; ++y) {
      const uint8_t* src = in.ptr<uint8_t>(t.first[yy] + y);
      const int32_t w = k[y];
      for (int i = 0; i < rowLen; ++i) acc[i] += src[i] * w;
    }
    uint8_t* dst = out.ptr<uint8_t>(yy);
    for (int i = 0; i < rowLen; ++i) dst[i] = clip8(acc[i]);
  }
  return out;
}

}  // namespace

cv::Mat resizeBicubicPil(const cv::Mat& image, int width, int height) {
  if (image.empty() || image.depth() != CV_8U || image.channels() < 1 || image.channels() > 4)
    throw Error("cannot resize: expected an 8-bit image with 1 to 4 channels");
  if (width <= 0 || height <= 0)
    throw Error("cannot resize to " + std::to_string(width) + "x" + std::to_string(height) +
                ": sizes must be positive");
  cv::Mat out = image;
  // The order Pillow uses: horizontal pass first, each pass only when its size changes.
  if (width != image.cols) out = resampleHorizontal(out, width);
  if (height != image.rows) out = resampleVertical(out, height);
  return out.data == image.data ? image.clone() : out;
}

}  // namespace revcol
