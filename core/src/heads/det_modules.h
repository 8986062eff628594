#pragma once
// The mmdet 2.x modules of Cascade Mask R-CNN on top of a backbone: FPN, RPNHead, the bbox heads
// (ConvFCBBoxHead: Shared2FCBBoxHead or 4conv1fc with BN) and FCNMaskHead. Registered under the
// names of the Python modules, so their state dicts are mmdet's (loaded by loadHeadWeights).
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "checkpoint/checkpoint.h"

namespace revcol::det {

// mmcv ConvModule: conv (bias only without norm), optional BatchNorm ("bn"), optional ReLU.
class ConvModuleImpl : public torch::nn::Module {
 public:
  ConvModuleImpl(int64_t in, int64_t out, int64_t kernel, bool norm, bool relu);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
  bool relu_;
};
TORCH_MODULE(ConvModule);

// FPN with add_extra_convs=False: lateral 1x1, top-down nearest upsampling to the lower level's
// size, 3x3 output convs, then max_pool(1, stride 2) levels until num_outs.
class FPNImpl : public torch::nn::Module {
 public:
  FPNImpl(const std::vector<int64_t>& in_channels, int64_t out_channels, int num_outs);
  std::vector<torch::Tensor> forward(const std::vector<torch::Tensor>& inputs);

 private:
  torch::nn::ModuleList lateral_convs_, fpn_convs_;
  int num_outs_;
};
TORCH_MODULE(FPN);

// RPNHead with one shared 3x3 conv + ReLU, sigmoid classification (A channels) and 4A deltas.
class RPNHeadImpl : public torch::nn::Module {
 public:
  RPNHeadImpl(int64_t in_channels, int64_t feat_channels, int64_t num_anchors);
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d rpn_conv_{nullptr}, rpn_cls_{nullptr}, rpn_reg_{nullptr};
};
TORCH_MODULE(RPNHead);

struct BBoxHeadConfig {
  int num_shared_convs = 0;  // 4 for 4conv1fc, 0 for Shared2FCBBoxHead
  bool conv_norm = false;    // BN in the shared convs
  int num_shared_fcs = 2;
  int64_t in_channels = 256;  // RoI feature channels
  int64_t conv_channels = 256;
  int64_t fc_channels = 1024;
  int64_t roi_size = 7;
  int64_t num_classes = 80;     // fc_cls has num_classes + 1 outputs (background last)
  bool class_agnostic = false;  // fc_reg has 4 outputs, else 4 * num_classes
};

// mmdet ConvFCBBoxHead with shared convs / fcs only (no separate cls / reg branches).
class BBoxHeadImpl : public torch::nn::Module {
 public:
  explicit BBoxHeadImpl(const BBoxHeadConfig& config);
  // RoI features K x C x 7 x 7 -> (class logits K x (classes+1), deltas K x 4 or 4*classes).
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x);
  const BBoxHeadConfig& config() const { return config_; }

 private:
  BBoxHeadConfig config_;
  torch::nn::ModuleList shared_convs_, shared_fcs_;
  torch::nn::Linear fc_cls_{nullptr}, fc_reg_{nullptr};
};
TORCH_MODULE(BBoxHead);

struct MaskHeadConfig {
  int num_convs = 4;
  int64_t in_channels = 256;
  int64_t conv_channels = 256;
  int64_t num_classes = 80;  // 1 when class-agnostic
};

// mmdet FCNMaskHead: 3x3 convs + ReLU, deconv 2x2/2 + ReLU, 1x1 logits (14x14 RoIs -> 28x28).
class MaskHeadImpl : public torch::nn::Module {
 public:
  explicit MaskHeadImpl(const MaskHeadConfig& config);
  torch::Tensor forward(const torch::Tensor& x);
  const MaskHeadConfig& config() const { return config_; }

 private:
  MaskHeadConfig config_;
  torch::nn::ModuleList convs_;
  torch::nn::ConvTranspose2d upsample_{nullptr};
  torch::nn::Conv2d conv_logits_{nullptr};
};
TORCH_MODULE(MaskHead);

// Copies every parameter and buffer of `module` from state_dict[prefix + name] (shapes checked;
// a missing BN num_batches_tracked is fine) and records the keys used in `used`. Throws
// revcol::Error listing every missing or mismatched key.
void loadHeadWeights(torch::nn::Module& module, const std::vector<NamedTensor>& state_dict, const std::string& prefix,
                     std::set<std::string>& used);

// Random weights with realistic magnitudes (conv/linear N(0,1)/sqrt(fan_in), biases N(0,0.05),
// BN near identity) for benchmarks.
void randomizeHeadWeights(torch::nn::Module& module);

}  // namespace revcol::det
