#include "revcol/preprocess.h"

#include <opencv2/imgproc.hpp>
#include <string>

#include "revcol/error.h"

namespace revcol {
namespace {

std::string sizeText(const cv::Mat& m) { return std::to_string(m.cols) + "x" + std::to_string(m.rows); }

// Python's int(round(d / 2.0)) for d >= 0: ties go to the even neighbour (round(50.5) == 50).
int halfRoundEven(int d) {
  int k = d / 2;
  if (d % 2 != 0 && k % 2 != 0) ++k;
  return k;
}

cv::Mat toRgb(const cv::Mat& image) {
  if (image.empty()) throw Error("cannot preprocess an empty image");
  if (image.depth() != CV_8U) throw Error("cannot preprocess: expected an 8-bit image");
  switch (image.channels()) {
    case 3:
      return image;
    case 1: {
      cv::Mat rgb;
      cv::cvtColor(image, rgb, cv::COLOR_GRAY2RGB);  // PIL's L -> RGB replicates the value
      return rgb;
    }
    case 4: {
      cv::Mat rgb;
      cv::cvtColor(image, rgb, cv::COLOR_RGBA2RGB);  // PIL's RGBA -> RGB drops alpha
      return rgb;
    }
    default:
      throw Error("cannot preprocess: expected 1, 3 or 4 channels, got " + std::to_string(image.channels()));
  }
}

}  // namespace

ImagenetPreprocess officialImagenetEval(int imageSize) {
  if (imageSize <= 0) throw Error("invalid image size " + std::to_string(imageSize));
  ImagenetPreprocess p;
  p.size = imageSize;
  if (imageSize > 224) {
    p.mode = ResizeMode::Warp;
  } else {
    p.mode = ResizeMode::CenterCrop;
    p.resizeShorter = static_cast<int>((256.0 / 224.0) * imageSize);  // build_data.py's expression
  }
  return p;
}

cv::Mat resizeShorterSidePil(const cv::Mat& image, int shorter) {
  if (image.empty()) throw Error("cannot resize an empty image");
  if (shorter <= 0) throw Error("cannot resize: the shorter side must be positive, got " + std::to_string(shorter));
  const int w = image.cols, h = image.rows;
  const int shortSide = std::min(w, h), longSide = std::max(w, h);
  // torchvision: int(requested_new_short * long / short), a true division in double.
  const int newLong = static_cast<int>(static_cast<double>(int64_t{shorter} * longSide) / shortSide);
  if (newLong <= 0) throw Error("cannot resize " + sizeText(image) + ": the longer side would be 0");
  return w <= h ? resizeBicubicPil(image, shorter, newLong) : resizeBicubicPil(image, newLong, shorter);
}

cv::Mat centerCropTorchvision(const cv::Mat& image, int height, int width) {
  if (image.empty()) throw Error("cannot crop an empty image");
  if (height <= 0 || width <= 0) throw Error("cannot crop: crop sizes must be positive");
  cv::Mat img = image;
  if (width > img.cols || height > img.rows) {
    const int padL = width > img.cols ? (width - img.cols) / 2 : 0;
    const int padT = height > img.rows ? (height - img.rows) / 2 : 0;
    const int padR = width > img.cols ? (width - img.cols + 1) / 2 : 0;
    const int padB = height > img.rows ? (height - img.rows + 1) / 2 : 0;
    cv::copyMakeBorder(image, img, padT, padB, padL, padR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  }
  const int top = halfRoundEven(img.rows - height);
  const int left = halfRoundEven(img.cols - width);
  return img(cv::Rect(left, top, width, height)).clone();
}

cv::Mat preprocessImagenetU8(const cv::Mat& image, const ImagenetPreprocess& p) {
  cv::Mat rgb = toRgb(image);
  switch (p.mode) {
    case ResizeMode::None:
      return rgb;
    case ResizeMode::Warp:
      if (p.size <= 0) throw Error("invalid preprocessing size " + std::to_string(p.size));
      return resizeBicubicPil(rgb, p.size, p.size);
    case ResizeMode::CenterCrop:
      if (p.size <= 0) throw Error("invalid preprocessing size " + std::to_string(p.size));
      return centerCropTorchvision(resizeShorterSidePil(rgb, p.resizeShorter), p.size, p.size);
  }
  throw Error("unknown preprocessing mode");
}

FloatArray toNormalizedChw(const cv::Mat& rgb, const std::array<float, 3>& mean, const std::array<float, 3>& std) {
  if (rgb.empty() || rgb.type() != CV_8UC3) throw Error("cannot normalize: expected an 8-bit RGB image");
  for (float s : std)
    if (!(s != 0.0f)) throw Error("cannot normalize: a standard deviation is zero");
  const int h = rgb.rows, w = rgb.cols;
  FloatArray out;
  out.shape = {3, h, w};
  out.values.resize(static_cast<size_t>(3) * h * w);
  // Per channel, the 256 possible results, each computed exactly as torchvision does in float32:
  // ToTensor's x.float().div(255), then Normalize's sub_(mean).div_(std).
  float lut[3][256];
  for (int c = 0; c < 3; ++c)
    for (int v = 0; v < 256; ++v) {
      const float x = static_cast<float>(v) / 255.0f;
      lut[c][v] = (x - mean[c]) / std[c];
    }
  const size_t plane = static_cast<size_t>(h) * w;
  for (int y = 0; y < h; ++y) {
    const uint8_t* src = rgb.ptr<uint8_t>(y);
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) out.values[c * plane + static_cast<size_t>(y) * w + x] = lut[c][src[3 * x + c]];
  }
  return out;
}

FloatArray preprocessImagenet(const cv::Mat& image, const ImagenetPreprocess& p) {
  return toNormalizedChw(preprocessImagenetU8(image, p), p.mean, p.std);
}

}  // namespace revcol
