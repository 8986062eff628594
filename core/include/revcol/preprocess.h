#pragma once
// ImageNet evaluation preprocessing, equal to the official RevCol transform (data/build_data.py,
// build_transform(is_train=False)) on torchvision 0.14 + Pillow 9.4:
//   size <= 224 (TEST.CROP, the default): Resize(int(256 / 224 * size), BICUBIC) on the shorter side,
//                                         CenterCrop(size), ToTensor, Normalize
//   size >  224 (384 / 640 fine-tuned):   Resize((size, size), BICUBIC) (a warp), ToTensor, Normalize
// plus ResizeMode::None: the image at its own size, ToTensor + Normalize only.
//
// The bicubic resize is Pillow's (separable, antialiased when shrinking, 8-bit fixed point with
// rounding and clipping after each pass), reimplemented bit for bit; OpenCV's INTER_CUBIC differs.
// The float output equals torchvision's bit for bit (tests/pipeline/preprocess_test.cpp).
#include <array>
#include <opencv2/core.hpp>

#include "revcol/float_array.h"

namespace revcol {

enum class ResizeMode {
  CenterCrop,  // shorter side to resizeShorter (longer side int(resizeShorter * long / short)), crop size x size
  Warp,        // straight to size x size, aspect ratio not kept
  None,        // no resize
};

struct ImagenetPreprocess {
  ResizeMode mode = ResizeMode::CenterCrop;
  int size = 224;           // output side (CenterCrop, Warp)
  int resizeShorter = 256;  // CenterCrop only
  // torchvision's Normalize turns these into float32 tensors, so they are floats here too.
  std::array<float, 3> mean = {0.485f, 0.456f, 0.406f};
  std::array<float, 3> std = {0.229f, 0.224f, 0.225f};
};

// The official eval transform for a model trained or fine-tuned at imageSize (224, 384, 640, ...).
ImagenetPreprocess officialImagenetEval(int imageSize);

// Pillow's Image.resize((width, height), Image.BICUBIC) on an 8-bit image with 1 to 4 channels
// (each channel on its own: no alpha premultiplication). Returns the input's copy when the size
// is unchanged, as Pillow does.
cv::Mat resizeBicubicPil(const cv::Mat& image, int width, int height);

// torchvision Resize(shorter) on a PIL image: the shorter side becomes `shorter`, the longer one
// int(shorter * long / short); bicubic as above.
cv::Mat resizeShorterSidePil(const cv::Mat& image, int shorter);

// torchvision CenterCrop((height, width)): top = int(round((h - height) / 2.0)) with Python's
// round-half-to-even, same for left; an image smaller than the crop is first zero-padded as
// torchvision does.
cv::Mat centerCropTorchvision(const cv::Mat& image, int height, int width);

// The 8-bit RGB image ToTensor sees: the input (8-bit RGB; gray is replicated to RGB and a fourth
// channel dropped, as PIL's convert("RGB") does) resized / cropped per `p`.
cv::Mat preprocessImagenetU8(const cv::Mat& image, const ImagenetPreprocess& p);

// ToTensor + Normalize: 3 x H x W float32 (RGB planes), (u8 / 255 - mean) / std in float32.
FloatArray toNormalizedChw(const cv::Mat& rgb, const std::array<float, 3>& mean, const std::array<float, 3>& std);

// The whole transform: 3 x H x W float32.
FloatArray preprocessImagenet(const cv::Mat& image, const ImagenetPreprocess& p);

}  // namespace revcol
