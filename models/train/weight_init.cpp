#include "train/weight_init.h"

namespace revcol::train {

void initRevColWeights(torch::nn::Module& net, uint64_t seed) {
  torch::manual_seed(seed);
  torch::NoGradGuard no_grad;
  for (const auto& m : net.modules()) {
    torch::Tensor weight, bias;
    if (auto* conv = m->as<torch::nn::Conv2d>()) {
      weight = conv->weight, bias = conv->bias;
    } else if (auto* linear = m->as<torch::nn::Linear>()) {
      weight = linear->weight, bias = linear->bias;
    } else {
      continue;
    }
    weight.normal_(0.0, 0.02).clamp_(-2.0, 2.0);
    if (bias.defined()) bias.zero_();
  }
}

void initSegHeadWeights(torch::nn::Module& head, uint64_t seed) {
  torch::manual_seed(seed);
  torch::NoGradGuard no_grad;
  for (const auto& named : head.named_modules()) {
    if (auto* conv = named.value()->as<torch::nn::Conv2d>()) {
      const bool classifier = named.key().find("conv_seg") != std::string::npos;
      if (classifier)
        conv->weight.normal_(0.0, 0.01);
      else
        torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
      if (conv->bias.defined()) conv->bias.zero_();
    }
  }
}

}  // namespace revcol::train
