#pragma once
// Initial weights as the official training code sets them.
#include <torch/torch.h>

#include <cstdint>

namespace revcol::train {

// FullNet._init_weights: every Conv2d and Linear weight ~ trunc_normal(std 0.02) (truncated at
// +-2 absolute, as timm's trunc_normal_ does), biases 0. Norms keep weight 1 / bias 0, ConvNeXt
// gammas their 1e-6 layer scale and alphas their 0.5, as constructed. Seeded by `seed`.
void initRevColWeights(torch::nn::Module& net, uint64_t seed);

// mmseg decode heads: ConvModule convs Kaiming-normal (fan_out, relu), BN 1/0, conv_seg ~ N(0, 0.01).
void initSegHeadWeights(torch::nn::Module& head, uint64_t seed);

}  // namespace revcol::train
