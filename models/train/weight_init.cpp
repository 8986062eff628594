#include "train/weight_init.h"

#include <revcol/error.h>

#include <map>

#include "checkpoint/checkpoint.h"

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

void initDetectionHeadWeights(torch::nn::Module& model, uint64_t seed) {
  torch::manual_seed(seed);
  torch::NoGradGuard no_grad;
  const auto has = [](const std::string& name, const char* part) { return name.find(part) != std::string::npos; };
  for (auto& p : model.named_parameters()) {
    const std::string& name = p.key();
    torch::Tensor w = p.value();
    if (name.rfind("backbone.", 0) == 0) continue;
    const bool weight = name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0;
    if (!weight) {
      w.zero_();  // biases, BN shifts
    } else if (has(name, ".bn.")) {
      w.fill_(1);
    } else if (has(name, "neck.") || has(name, "shared_fcs")) {
      torch::nn::init::xavier_uniform_(w);
    } else if (has(name, "rpn_head.") || has(name, "fc_cls")) {
      torch::nn::init::normal_(w, 0, 0.01);
    } else if (has(name, "fc_reg")) {
      torch::nn::init::normal_(w, 0, 0.001);
    } else {  // shared convs, mask-head convs, upsample, conv_logits
      torch::nn::init::kaiming_normal_(w, 0, torch::kFanOut, torch::kReLU);
    }
  }
}

void initBackboneFromCheckpoint(torch::nn::Module& backbone, const std::string& path) {
  const Checkpoint ck = readCheckpoint(path);
  std::map<std::string, torch::Tensor> stored;
  for (const auto& t : ck.state_dict) stored[t.name] = t.tensor;
  torch::NoGradGuard no_grad;
  for (auto& p : backbone.named_parameters()) {
    auto it = stored.find(p.key());
    if (it == stored.end() || it->second.sizes() != p.value().sizes())
      throw Error(path + " has no tensor '" + p.key() + "' of the backbone's shape: train it with the same widths");
    p.value().copy_(it->second);
  }
}

}  // namespace revcol::train
