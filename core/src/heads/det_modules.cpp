#include "heads/det_modules.h"

#include "heads/det_ops.h"
#include "nn/row_parallel_mm.h"

#include <revcol/error.h>
#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/linear.h>
#include <torch/nn/functional/pooling.h>
#include <torch/nn/functional/upsampling.h>

#include <map>

namespace revcol::det {
namespace F = torch::nn::functional;

ConvModuleImpl::ConvModuleImpl(int64_t in, int64_t out, int64_t kernel, bool norm, bool relu) : relu_(relu) {
  conv_ = register_module("conv",
                          torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2).bias(!norm)));
  if (norm) bn_ = register_module("bn", torch::nn::BatchNorm2d(out));
}

torch::Tensor ConvModuleImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = conv_(x);
  if (bn_) y = bn_(y);
  return relu_ ? y.relu_() : y;  // in place: y is this call's own tensor
}

FPNImpl::FPNImpl(const std::vector<int64_t>& in_channels, int64_t out_channels, int num_outs) : num_outs_(num_outs) {
  for (int64_t c : in_channels) {
    lateral_convs_->push_back(ConvModule(c, out_channels, 1, false, false));
    fpn_convs_->push_back(ConvModule(out_channels, out_channels, 3, false, false));
  }
  register_module("lateral_convs", lateral_convs_);
  register_module("fpn_convs", fpn_convs_);
}

std::vector<torch::Tensor> FPNImpl::forward(const std::vector<torch::Tensor>& inputs) {
  const size_t n = lateral_convs_->size();
  if (inputs.size() != n) throw Error("FPN: expected " + std::to_string(n) + " input levels");
  std::vector<torch::Tensor> laterals;
  for (size_t i = 0; i < n; ++i) laterals.push_back(lateral_convs_->at<ConvModuleImpl>(i).forward(inputs[i]));
  for (size_t i = n - 1; i > 0; --i) {
    const auto size = laterals[i - 1].sizes().slice(2).vec();
    laterals[i - 1] =
        laterals[i - 1] + F::interpolate(laterals[i], F::InterpolateFuncOptions().size(size).mode(torch::kNearest));
  }
  std::vector<torch::Tensor> outs;
  for (size_t i = 0; i < n; ++i) outs.push_back(fpn_convs_->at<ConvModuleImpl>(i).forward(laterals[i]));
  while (static_cast<int>(outs.size()) < num_outs_)
    outs.push_back(F::max_pool2d(outs.back(), F::MaxPool2dFuncOptions(1).stride(2)));
  return outs;
}

RPNHeadImpl::RPNHeadImpl(int64_t in_channels, int64_t feat_channels, int64_t num_anchors) {
  rpn_conv_ = register_module("rpn_conv",
                              torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, feat_channels, 3).padding(1)));
  rpn_cls_ = register_module("rpn_cls", torch::nn::Conv2d(torch::nn::Conv2dOptions(feat_channels, num_anchors, 1)));
  rpn_reg_ = register_module("rpn_reg", torch::nn::Conv2d(torch::nn::Conv2dOptions(feat_channels, num_anchors * 4, 1)));
}

std::pair<torch::Tensor, torch::Tensor> RPNHeadImpl::forward(const torch::Tensor& x) {
  const torch::Tensor y = rpn_conv_(x).relu_();
  return {rpn_cls_(y), rpn_reg_(y)};
}

BBoxHeadImpl::BBoxHeadImpl(const BBoxHeadConfig& c) : config_(c) {
  int64_t ch = c.in_channels;
  for (int i = 0; i < c.num_shared_convs; ++i) {
    shared_convs_->push_back(ConvModule(ch, c.conv_channels, 3, c.conv_norm, true));
    ch = c.conv_channels;
  }
  int64_t features = ch * c.roi_size * c.roi_size;
  for (int i = 0; i < c.num_shared_fcs; ++i) {
    shared_fcs_->push_back(torch::nn::Linear(features, c.fc_channels));
    features = c.fc_channels;
  }
  if (c.num_shared_convs > 0) register_module("shared_convs", shared_convs_);
  if (c.num_shared_fcs > 0) register_module("shared_fcs", shared_fcs_);
  fc_cls_ = register_module("fc_cls", torch::nn::Linear(features, c.num_classes + 1));
  fc_reg_ = register_module("fc_reg", torch::nn::Linear(features, c.class_agnostic ? 4 : 4 * c.num_classes));
}

namespace {

// nn::Linear's forward with its rows on every thread (nn/row_parallel_mm.h) at inference; with a
// gradient to compute (the detection trainer), libtorch's differentiable linear.
torch::Tensor linear(torch::nn::LinearImpl& fc, const torch::Tensor& x) {
  if (torch::GradMode::is_enabled() && (x.requires_grad() || fc.weight.requires_grad()))
    return torch::nn::functional::linear(x, fc.weight, fc.bias);
  return rowParallelMm(x, fc.weight.t(), fc.bias);
}

}  // namespace

std::pair<torch::Tensor, torch::Tensor> BBoxHeadImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = x;
  for (size_t i = 0; i < shared_convs_->size(); ++i) y = shared_convs_->at<ConvModuleImpl>(i).forward(y);
  y = y.flatten(1);
  for (size_t i = 0; i < shared_fcs_->size(); ++i) y = linear(shared_fcs_->at<torch::nn::LinearImpl>(i), y).relu_();
  return {linear(*fc_cls_, y), linear(*fc_reg_, y)};
}

MaskHeadImpl::MaskHeadImpl(const MaskHeadConfig& c) : config_(c) {
  int64_t ch = c.in_channels;
  for (int i = 0; i < c.num_convs; ++i) {
    convs_->push_back(ConvModule(ch, c.conv_channels, 3, false, true));
    ch = c.conv_channels;
  }
  register_module("convs", convs_);
  upsample_ = register_module(
      "upsample", torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(ch, c.conv_channels, 2).stride(2)));
  conv_logits_ =
      register_module("conv_logits", torch::nn::Conv2d(torch::nn::Conv2dOptions(c.conv_channels, c.num_classes, 1)));
}

torch::Tensor MaskHeadImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = x;
  for (size_t i = 0; i < convs_->size(); ++i) y = convs_->at<ConvModuleImpl>(i).forward(y);
  return conv_logits_(upsample_(y).relu_());
}

void loadHeadWeights(torch::nn::Module& module, const std::vector<NamedTensor>& state_dict, const std::string& prefix,
                     std::set<std::string>& used) {
  std::map<std::string, const torch::Tensor*> by_name;
  for (const NamedTensor& t : state_dict) by_name[t.name] = &t.tensor;
  std::string problems;
  torch::NoGradGuard no_grad;
  auto copy = [&](const std::string& name, torch::Tensor& target, bool optional) {
    const std::string key = prefix + name;
    auto it = by_name.find(key);
    if (it == by_name.end()) {
      if (!optional) problems += "\n  missing " + key;
      return;
    }
    if (it->second->sizes() != target.sizes()) {
      problems +=
          "\n  " + key + " has shape " + c10::str(it->second->sizes()) + ", expected " + c10::str(target.sizes());
      return;
    }
    target.copy_(*it->second);
    used.insert(key);
  };
  for (auto& p : module.named_parameters(true)) copy(p.key(), p.value(), false);
  for (auto& b : module.named_buffers(true)) {
    const bool counter = b.key().size() >= 19 && b.key().rfind("num_batches_tracked") == b.key().size() - 19;
    copy(b.key(), b.value(), counter);
  }
  if (!problems.empty()) throw Error("weights do not fit the detection heads:" + problems);
}

void randomizeHeadWeights(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.named_parameters(true)) {
    torch::Tensor& t = p.value();
    const std::string& name = p.key();
    const bool is_bn = name.find(".bn.") != std::string::npos;
    if (is_bn) {
      if (name.size() >= 6 && name.compare(name.size() - 6, 6, "weight") == 0)
        t.uniform_(0.7, 1.3);
      else
        t.normal_(0, 0.1);
    } else if (t.dim() > 1) {
      const int64_t fan_in = t.numel() / t.size(0);
      t.normal_(0, 1.0 / std::sqrt(double(fan_in)));
    } else {
      t.normal_(0, 0.05);
    }
  }
}

}  // namespace revcol::det
