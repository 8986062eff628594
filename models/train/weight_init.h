#pragma once
// Initial weights as the official training code sets them.
#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace revcol::train {

// FullNet._init_weights: every Conv2d and Linear weight ~ trunc_normal(std 0.02) (truncated at
// +-2 absolute, as timm's trunc_normal_ does), biases 0. Norms keep weight 1 / bias 0, ConvNeXt
// gammas their 1e-6 layer scale and alphas their 0.5, as constructed. Seeded by `seed`.
void initRevColWeights(torch::nn::Module& net, uint64_t seed);

// mmseg decode heads: ConvModule convs Kaiming-normal (fan_out, relu), BN 1/0, conv_seg ~ N(0, 0.01).
void initSegHeadWeights(torch::nn::Module& head, uint64_t seed);

// mmdet 2.x Cascade Mask R-CNN heads (parameter names as mmdet's): FPN convs Xavier-uniform, RPN
// convs N(0, 0.01), shared convs and mask-head convs Kaiming-normal (fan_out, relu), shared fcs
// Xavier-uniform, fc_cls N(0, 0.01), fc_reg N(0, 0.001); biases 0, BN 1 / 0. Backbone untouched.
void initDetectionHeadWeights(torch::nn::Module& model, uint64_t seed);

// Copies every backbone parameter from the state dict of a classification (or any RevCol)
// checkpoint of the same widths, as the official recipes start detection and segmentation from
// ImageNet weights. Throws revcol::Error naming a missing or mis-shaped tensor.
void initBackboneFromCheckpoint(torch::nn::Module& backbone, const std::string& path);

}  // namespace revcol::train
