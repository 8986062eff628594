#include "nn/modules.h"

#include "nn/row_parallel_mm.h"

#include <string>

namespace revcol {
namespace {

namespace F = torch::nn::functional;

// A parameter-free container standing for a Python nn.Sequential / nn.ModuleList: only its name
// matters, as a prefix of its children's state-dict keys.
std::shared_ptr<torch::nn::Module> container(torch::nn::Module& parent, const std::string& name) {
  return parent.register_module(name, std::make_shared<torch::nn::Module>());
}

torch::nn::LayerNorm channelsLastNorm(int64_t channels) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({channels}).eps(1e-6));
}

// The float64 twin of a net (the reconstruction reference of the analysis) takes two operations
// off libtorch's float64 defaults, which are slow where float32 has fast kernels: a float64
// depthwise convolution is one slow_conv2d call per channel (9,728 calls per RevCol-T forward, 43 %
// of its time), and a float64 product runs on one thread (OpenBLAS is kept single-threaded). Same
// arithmetic, summed in another order: the results differ in the last bits of a double. Without
// grad only (nothing trains in float64); float32 keeps libtorch's operations, the parity reference.
bool float64Inference(const torch::Tensor& x) {
  return x.scalar_type() == torch::kFloat64 && x.is_cpu() && !torch::GradMode::is_enabled();
}

// A depthwise k x k convolution (stride 1, zero padding (k - 1) / 2) as k * k multiply-adds of
// shifted views, each a pass over the map on every thread.
torch::Tensor depthwiseByTaps(const torch::nn::Conv2dImpl& conv, const torch::Tensor& x) {
  const int64_t c = x.size(1), h = x.size(2), w = x.size(3);
  const int64_t kh = conv.weight.size(2), kw = conv.weight.size(3);
  const auto padded = torch::constant_pad_nd(x, {(kw - 1) / 2, (kw - 1) / 2, (kh - 1) / 2, (kh - 1) / 2});
  const auto taps = conv.weight.reshape({c, kh * kw});
  auto out = torch::empty({x.size(0), c, h, w}, x.options());
  if (conv.bias.defined())
    out.copy_(conv.bias.view({1, c, 1, 1}).expand_as(out));
  else
    out.zero_();
  for (int64_t i = 0; i < kh; ++i)
    for (int64_t j = 0; j < kw; ++j)
      out.addcmul_(padded.narrow(2, i, h).narrow(3, j, w), taps.select(1, i * kw + j).reshape({1, c, 1, 1}));
  return out;
}

torch::Tensor depthwise(torch::nn::Conv2d& conv, const torch::Tensor& x) {
  return float64Inference(x) ? depthwiseByTaps(*conv, x) : conv(x);
}

torch::Tensor linear(torch::nn::Linear& fc, const torch::Tensor& x) {
  if (!float64Inference(x)) return fc(x);
  auto sizes = x.sizes().vec();
  sizes.back() = fc->weight.size(0);
  return rowParallelMm(x.reshape({-1, x.size(-1)}), fc->weight.t(), fc->bias).view(sizes);
}

}  // namespace

LayerNorm2dImpl::LayerNorm2dImpl(int64_t channels, double eps) : eps_(eps) {
  weight = register_parameter("weight", torch::ones({channels}));
  bias = register_parameter("bias", torch::zeros({channels}));
}

torch::Tensor LayerNorm2dImpl::forward(const torch::Tensor& x) {
  // models/modules.py LayerNorm, channels_first branch, operation for operation.
  auto u = x.mean(1, /*keepdim=*/true);
  auto d = x - u;
  auto s = d.pow(2).mean(1, /*keepdim=*/true);
  auto y = d / torch::sqrt(s + eps_);
  return weight.view({-1, 1, 1}) * y + bias.view({-1, 1, 1});
}

ConvNormImpl::ConvNormImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, bool gelu) : gelu_(gelu) {
  conv_ = register_module("0", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride)));
  norm_ = register_module("1", LayerNorm2d(out));
}

torch::Tensor ConvNormImpl::forward(const torch::Tensor& x) {
  auto y = norm_(conv_(x));
  return gelu_ ? torch::gelu(y) : y;
}

ConvNextBlockImpl::ConvNextBlockImpl(int64_t channels, int64_t hidden, int64_t kernel) {
  dwconv_ = register_module(
      "dwconv", torch::nn::Conv2d(
                    torch::nn::Conv2dOptions(channels, channels, kernel).padding((kernel - 1) / 2).groups(channels)));
  norm_ = register_module("norm", channelsLastNorm(channels));
  pwconv1_ = register_module("pwconv1", torch::nn::Linear(channels, hidden));
  pwconv2_ = register_module("pwconv2", torch::nn::Linear(hidden, channels));
  gamma_ = register_parameter("gamma", torch::full({channels}, 1e-6));
}

torch::Tensor ConvNextBlockImpl::forward(const torch::Tensor& x) {
  auto y = depthwise(dwconv_, x).permute({0, 2, 3, 1});
  y = linear(pwconv2_, torch::gelu(linear(pwconv1_, norm_(y))));  // erf GELU, as nn.GELU()
  y = (gamma_ * y).permute({0, 3, 1, 2});
  return x + y;
}

BlockStackImpl::BlockStackImpl(int64_t count, int64_t channels, int64_t hidden, int64_t kernel) {
  for (int64_t i = 0; i < count; ++i)
    blocks_.push_back(register_module(std::to_string(i), ConvNextBlock(channels, hidden, kernel)));
}

torch::Tensor BlockStackImpl::forward(torch::Tensor x) {
  for (auto& block : blocks_) x = block(x);
  return x;
}

UpSampleImpl::UpSampleImpl(int64_t in, int64_t out) {
  auto seq = container(*this, "channel_reschedule");
  linear_ = seq->register_module("0", torch::nn::Linear(in, out));
  norm_ = seq->register_module("1", channelsLastNorm(out));
}

torch::Tensor UpSampleImpl::forward(const torch::Tensor& x, torch::IntArrayRef size) {
  auto y = norm_(linear(linear_, x.permute({0, 2, 3, 1}))).permute({0, 3, 1, 2});
  // Size-based nearest (source index floor(dst * in / out)): identical to scale_factor 2 / 8 when
  // the sizes are exact multiples.
  return torch::upsample_nearest2d(y, size);
}

ClassifierImpl::ClassifierImpl(int64_t in, int64_t classes) {
  auto seq = container(*this, "classifier");
  norm_ = seq->register_module("0", channelsLastNorm(in));
  linear_ = seq->register_module("1", torch::nn::Linear(in, classes));
}

torch::Tensor ClassifierImpl::forward(const torch::Tensor& c3) {
  auto pooled = torch::adaptive_avg_pool2d(c3, {1, 1}).flatten(1);
  return linear(linear_, norm_(pooled));
}

ImageDecoderImpl::ImageDecoderImpl(const std::array<int64_t, 4>& channels, bool simple) : simple_(simple) {
  auto projback = container(*this, "projback");
  if (simple_) {
    projback_norm_ = projback->register_module("0", LayerNorm2d(channels[3]));
    projback_conv_ =
        projback->register_module("1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels[3], 32 * 32 * 3, 1)));
    return;
  }
  // Python: Decoder(depth=[1,1,1,1], dim=reversed(channels), kernel_size=3).
  auto proj = container(*this, "proj_layers");
  auto normal = container(*this, "normal_layers");
  for (int i = 0; i < 3; ++i) {
    int64_t in = channels[3 - i], out = channels[2 - i];
    proj_.push_back(proj->register_module(std::to_string(i), ConvNorm(in, out, 1, 1, true)));
    normal_.push_back(normal->register_module(std::to_string(i), BlockStack(1, out, out, 3)));
  }
  projback_conv_ =
      projback->register_module("0", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels[0], 4 * 4 * 3, 1)));
}

torch::Tensor ImageDecoderImpl::forward(const torch::Tensor& c3) {
  if (simple_) return torch::pixel_shuffle(projback_conv_(projback_norm_(c3)), 32);
  auto x = c3;
  for (size_t i = 0; i < proj_.size(); ++i) {
    x = proj_[i](x);
    x = torch::upsample_bilinear2d(x, {x.size(2) * 2, x.size(3) * 2}, /*align_corners=*/true);
    x = normal_[i](x);
  }
  return torch::pixel_shuffle(projback_conv_(x), 4);
}

}  // namespace revcol
