#pragma once
// UPerNet decode head of mmsegmentation 0.x (mmseg/models/decode_heads/uper_head.py at 4eaa8e6),
// inference only. Children are named like the Python attributes (psp_modules.{i}.1, bottleneck,
// lateral_convs.{i}, fpn_convs.{i}, fpn_bottleneck, conv_seg; ConvModule = conv + bn), so the
// decode_head.* keys of an mmseg checkpoint load name for name.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "checkpoint/checkpoint.h"

namespace revcol {

struct UPerHeadConfig {
  std::vector<int64_t> in_channels;  // per backbone level, e.g. 64/128/256/512
  int64_t channels = 0;              // width of the head (512 in the released configs)
  int64_t num_classes = 0;           // conv_seg outputs
  std::vector<int64_t> pool_scales{1, 2, 3, 6};
  bool align_corners = false;
};

// Reads in_channels, channels, class count and the number of pool scales from the
// `prefix`-named tensors (normally "decode_head."). Pool scales themselves are not in the
// weights: `pool_scales` is used when its length equals the number of psp_modules, else an error.
UPerHeadConfig inferUPerHead(const std::vector<NamedTensor>& state_dict, const std::string& prefix,
                             const std::vector<int64_t>& pool_scales = {1, 2, 3, 6});

// mmcv ConvModule(conv (no bias), BN (eps 1e-5, running stats at inference), ReLU).
class ConvBnReluImpl : public torch::nn::Module {
 public:
  ConvBnReluImpl(int64_t in, int64_t out, int64_t kernel);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(ConvBnRelu);

class UPerHeadImpl : public torch::nn::Module {
 public:
  explicit UPerHeadImpl(const UPerHeadConfig& config);
  // levels: c0..c3 of the backbone. Returns N x classes x H0 x W0 logits at the level-0 size.
  torch::Tensor forward(const std::vector<torch::Tensor>& levels);
  const UPerHeadConfig& config() const { return config_; }

 private:
  torch::Tensor resize(const torch::Tensor& x, torch::IntArrayRef size) const;

  UPerHeadConfig config_;
  std::vector<ConvBnRelu> psp_;
  ConvBnRelu bottleneck_{nullptr}, fpn_bottleneck_{nullptr};
  std::vector<ConvBnRelu> lateral_, fpn_;
  torch::nn::Conv2d conv_seg_{nullptr};
};
TORCH_MODULE(UPerHead);

// Copies every parameter and BN running statistic of `head` from state_dict[prefix + name],
// checking shapes; num_batches_tracked and keys of other heads (auxiliary_head.*) are ignored.
// Missing, unexpected and mismatched keys are reported together in one revcol::Error.
void loadUPerHead(UPerHeadImpl& head, const std::vector<NamedTensor>& state_dict, const std::string& prefix);

}  // namespace revcol
