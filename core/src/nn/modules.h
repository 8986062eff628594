#pragma once
// Building blocks of RevCol (models/modules.py), named like the Python attributes so that the
// state dict of these modules is the official one. Sequential containers of the Python code are
// plain modules with children "0", "1", ... (parameter-free children such as GELU are not
// registered: they hold nothing and keep the index numbering of the Python side intact).
#include <torch/torch.h>

#include <array>
#include <vector>

namespace revcol {

// LayerNorm over the channel dimension of N x C x H x W, with the official formula (mean, biased
// variance, eps 1e-6) rather than F.layer_norm, so results match to the last bits we can.
class LayerNorm2dImpl : public torch::nn::Module {
 public:
  explicit LayerNorm2dImpl(int64_t channels, double eps = 1e-6);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight, bias;

 private:
  double eps_;
};
TORCH_MODULE(LayerNorm2d);

// Python nn.Sequential(Conv2d, LayerNorm(channels_first)[, GELU]): the stem, Fusion.down and the
// Decoder's proj_layers.
class ConvNormImpl : public torch::nn::Module {
 public:
  ConvNormImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, bool gelu);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv_{nullptr};
  LayerNorm2d norm_{nullptr};
  bool gelu_;
};
TORCH_MODULE(ConvNorm);

// ConvNeXt block: dwconv k, LN (channels last), Linear, GELU (erf), Linear, gamma, residual.
class ConvNextBlockImpl : public torch::nn::Module {
 public:
  ConvNextBlockImpl(int64_t channels, int64_t hidden, int64_t kernel);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d dwconv_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
  torch::nn::Linear pwconv1_{nullptr}, pwconv2_{nullptr};
  torch::Tensor gamma_;
};
TORCH_MODULE(ConvNextBlock);

// A run of ConvNeXt blocks (Python nn.Sequential of blocks: children "0", "1", ...).
class BlockStackImpl : public torch::nn::Module {
 public:
  BlockStackImpl(int64_t count, int64_t channels, int64_t hidden, int64_t kernel);
  torch::Tensor forward(torch::Tensor x);

 private:
  std::vector<ConvNextBlock> blocks_;
};
TORCH_MODULE(BlockStack);

// UpSampleConvnext: Linear + LN (channels last) on channels, then nearest upsampling to `size`
// (the Segmentation variant's size-based interpolate; equals the x2 / x8 of the classification
// code for even sizes and also works for odd ones).
class UpSampleImpl : public torch::nn::Module {
 public:
  UpSampleImpl(int64_t in, int64_t out);
  torch::Tensor forward(const torch::Tensor& x, torch::IntArrayRef size);

 private:
  torch::nn::Linear linear_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(UpSample);

// Classifier: global average pool, LayerNorm, Linear (children classifier.0 / classifier.1).
class ClassifierImpl : public torch::nn::Module {
 public:
  ClassifierImpl(int64_t in, int64_t classes);
  torch::Tensor forward(const torch::Tensor& c3);

 private:
  torch::nn::LayerNorm norm_{nullptr};
  torch::nn::Linear linear_{nullptr};
};
TORCH_MODULE(Classifier);

// Image decoder of intermediate supervision: the full Decoder (channels C3 -> C0, bilinear
// align_corners x2 three times, PixelShuffle 4) or the SimDecoder (LN, 1x1 conv, PixelShuffle 32).
class ImageDecoderImpl : public torch::nn::Module {
 public:
  ImageDecoderImpl(const std::array<int64_t, 4>& channels, bool simple);
  torch::Tensor forward(const torch::Tensor& c3);

 private:
  bool simple_;
  std::vector<ConvNorm> proj_;
  std::vector<BlockStack> normal_;
  torch::nn::Conv2d projback_conv_{nullptr};
  LayerNorm2d projback_norm_{nullptr};
};
TORCH_MODULE(ImageDecoder);

}  // namespace revcol
