#include "heads/seg_upernet.h"
#include "nn/load_messages.h"

#include <revcol/error.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <unordered_map>

namespace revcol {

UPerHeadConfig inferUPerHead(const std::vector<NamedTensor>& sd, const std::string& prefix,
                             const std::vector<int64_t>& pool_scales) {
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& t : sd)
    if (startsWith(t.name, prefix)) shapes[t.name.substr(prefix.size())] = t.tensor.sizes().vec();
  auto conv = [&](const std::string& name) -> const std::vector<int64_t>& {
    auto it = shapes.find(name);
    if (it == shapes.end() || it->second.size() != 4)
      throw Error("not an UPerNet decode head: '" + prefix + name + "' is missing or not a conv weight");
    return it->second;
  };
  UPerHeadConfig c;
  const auto& seg = conv("conv_seg.weight");
  c.num_classes = seg[0];
  c.channels = seg[1];
  if (c.num_classes < 1 || c.channels < 1) throw Error("'" + prefix + "conv_seg.weight' is " + shapeText(seg));
  size_t lateral = 0;
  while (shapes.count("lateral_convs." + std::to_string(lateral) + ".conv.weight")) {
    const auto& w = conv("lateral_convs." + std::to_string(lateral) + ".conv.weight");
    if (w[0] != c.channels)
      throw Error("'" + prefix + "lateral_convs." + std::to_string(lateral) + ".conv.weight' is " + shapeText(w) +
                  ", head width " + std::to_string(c.channels));
    c.in_channels.push_back(w[1]);
    ++lateral;
  }
  size_t pools = 0;
  while (shapes.count("psp_modules." + std::to_string(pools) + ".1.conv.weight")) ++pools;
  if (lateral == 0 || pools == 0)
    throw Error("not an UPerNet decode head: no '" + prefix + "lateral_convs.0' or '" + prefix + "psp_modules.0'");
  c.in_channels.push_back(conv("psp_modules.0.1.conv.weight")[1]);
  if (pools != pool_scales.size())
    throw Error("the decode head has " + std::to_string(pools) + " pooling branches, the pool scales given are " +
                std::to_string(pool_scales.size()));
  c.pool_scales = pool_scales;
  return c;
}

ConvBnReluImpl::ConvBnReluImpl(int64_t in, int64_t out, int64_t kernel) {
  conv_ = register_module("conv",
                          torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2).bias(false)));
  bn_ = register_module("bn", torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(out).eps(1e-5)));
}

// ReLU in place: the norm's output is this call's own tensor.
torch::Tensor ConvBnReluImpl::forward(const torch::Tensor& x) { return bn_(conv_(x)).relu_(); }

UPerHeadImpl::UPerHeadImpl(const UPerHeadConfig& config) : config_(config) {
  const auto& in = config.in_channels;
  if (in.size() < 2) throw Error("an UPerNet head needs at least two input levels");
  const int64_t ch = config.channels;
  auto psp = register_module("psp_modules", std::make_shared<torch::nn::Module>());
  for (size_t i = 0; i < config.pool_scales.size(); ++i) {
    // psp_modules.{i} is Sequential(AdaptiveAvgPool2d, ConvModule): only child "1" holds weights.
    auto branch = psp->register_module(std::to_string(i), std::make_shared<torch::nn::Module>());
    psp_.push_back(branch->register_module("1", ConvBnRelu(in.back(), ch, 1)));
  }
  bottleneck_ = register_module("bottleneck", ConvBnRelu(in.back() + int64_t(config.pool_scales.size()) * ch, ch, 3));
  auto lateral = register_module("lateral_convs", std::make_shared<torch::nn::Module>());
  auto fpn = register_module("fpn_convs", std::make_shared<torch::nn::Module>());
  for (size_t i = 0; i + 1 < in.size(); ++i) {
    lateral_.push_back(lateral->register_module(std::to_string(i), ConvBnRelu(in[i], ch, 1)));
    fpn_.push_back(fpn->register_module(std::to_string(i), ConvBnRelu(ch, ch, 3)));
  }
  fpn_bottleneck_ = register_module("fpn_bottleneck", ConvBnRelu(int64_t(in.size()) * ch, ch, 3));
  conv_seg_ = register_module("conv_seg", torch::nn::Conv2d(torch::nn::Conv2dOptions(ch, config.num_classes, 1)));
  eval();
}

torch::Tensor UPerHeadImpl::resize(const torch::Tensor& x, torch::IntArrayRef size) const {
  // mmseg resize() = F.interpolate(size=...) without scale factors.
  return torch::upsample_bilinear2d(x, size, config_.align_corners);
}

torch::Tensor UPerHeadImpl::forward(const std::vector<torch::Tensor>& levels) {
  const size_t n = config_.in_channels.size();
  if (levels.size() != n)
    throw Error("the decode head takes " + std::to_string(n) + " levels, got " + std::to_string(levels.size()));
  // PPM on the top level, concatenated with it, then the 3x3 bottleneck.
  const torch::Tensor& top = levels.back();
  std::vector<torch::Tensor> psp{top};
  for (size_t i = 0; i < psp_.size(); ++i) {
    const int64_t s = config_.pool_scales[i];
    psp.push_back(resize(psp_[i](torch::adaptive_avg_pool2d(top, {s, s})), top.sizes().slice(2)));
  }
  std::vector<torch::Tensor> laterals;
  for (size_t i = 0; i + 1 < n; ++i) laterals.push_back(lateral_[i](levels[i]));
  laterals.push_back(bottleneck_(torch::cat(psp, 1)));
  // Top-down path: each lateral plus the upsampled one above (in place of the Python list).
  for (size_t i = n - 1; i > 0; --i)
    laterals[i - 1] = laterals[i - 1] + resize(laterals[i], laterals[i - 1].sizes().slice(2));
  std::vector<torch::Tensor> outs;
  for (size_t i = 0; i + 1 < n; ++i) outs.push_back(fpn_[i](laterals[i]));
  outs.push_back(laterals.back());
  for (size_t i = n - 1; i > 0; --i) outs[i] = resize(outs[i], outs[0].sizes().slice(2));
  // Dropout before conv_seg is the identity at inference.
  return conv_seg_(fpn_bottleneck_(torch::cat(outs, 1)));
}

void loadUPerHead(UPerHeadImpl& head, const std::vector<NamedTensor>& sd, const std::string& prefix) {
  std::unordered_map<std::string, torch::Tensor> targets;
  for (auto& p : head.named_parameters(true)) targets[p.key()] = p.value();
  for (auto& b : head.named_buffers(true))
    if (!endsWith(b.key(), "num_batches_tracked")) targets[b.key()] = b.value();
  std::unordered_map<std::string, const torch::Tensor*> stored;
  std::vector<std::string> unexpected, missing, mismatched;
  for (const auto& t : sd) {
    if (!startsWith(t.name, prefix) || endsWith(t.name, "num_batches_tracked")) continue;
    const std::string name = t.name.substr(prefix.size());
    if (!targets.count(name))
      unexpected.push_back(t.name);
    else
      stored[name] = &t.tensor;
  }
  for (const auto& [name, target] : targets) {
    auto it = stored.find(name);
    if (it == stored.end())
      missing.push_back(prefix + name);
    else if (!it->second->is_floating_point())
      mismatched.push_back(prefix + name + ": stored as a non-float tensor");
    else if (it->second->sizes() != target.sizes())
      mismatched.push_back(prefix + name + ": stored " + shapeText(it->second->sizes()) + ", head " +
                           shapeText(target.sizes()));
  }
  if (!missing.empty() || !unexpected.empty() || !mismatched.empty()) {
    std::sort(missing.begin(), missing.end());
    std::string msg = "the decode head weights do not fit an UPerNet head:";
    if (!missing.empty()) msg += " " + listText("missing", missing) + ";";
    if (!unexpected.empty()) msg += " " + listText("unexpected", unexpected) + ";";
    if (!mismatched.empty()) msg += " " + listText("with another shape", mismatched) + ";";
    msg.pop_back();
    throw Error(msg);
  }
  torch::NoGradGuard no_grad;
  for (auto& [name, target] : targets) target.copy_(*stored.at(name));
  head.eval();
}

}  // namespace revcol
