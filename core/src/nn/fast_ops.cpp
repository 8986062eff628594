#include "nn/fast_ops.h"

#include <utility>

namespace revcol::fast {

at::Tensor nchwView(const at::Tensor& nhwc) { return nhwc.permute({0, 3, 1, 2}); }

at::Tensor toNhwc(const at::Tensor& nchw) { return nchw.permute({0, 2, 3, 1}).contiguous(); }

Patchify Patchify::fromConv(const at::Tensor& weight, const at::Tensor& bias) {
  const int64_t k = weight.size(2);
  auto wt = weight.permute({2, 3, 1, 0}).reshape({k * k * weight.size(1), weight.size(0)});
  return {k, Linear(wt, bias, Linear::Epilogue::None)};
}

at::Tensor Patchify::operator()(const at::Tensor& nhwc) const {
  const int64_t n = nhwc.size(0), c = nhwc.size(3), h = nhwc.size(1) / kernel, w = nhwc.size(2) / kernel;
  // Rows and columns past a multiple of the kernel are dropped, as the strided convolution does.
  auto x = nhwc.narrow(1, 0, h * kernel).narrow(2, 0, w * kernel);
  auto patches = x.reshape({n, h, kernel, w, kernel, c}).permute({0, 1, 3, 2, 4, 5}).reshape({n * h * w, -1});
  return product(patches).view({n, h, w, product.outputs()});
}

Block Block::fromWeights(const at::Tensor& dw_weight, const at::Tensor& dw_bias, LayerNorm norm, const at::Tensor& w1,
                         const at::Tensor& b1, const at::Tensor& w2, const at::Tensor& b2, const at::Tensor& gamma,
                         bool bf16, bool gelu_pass) {
  Block b;
  b.dwconv = DepthwiseConv(dw_weight, dw_bias);
  b.norm = std::move(norm);
  b.gelu_pass = gelu_pass && !bf16;
  b.pwconv1 =
      Linear(w1.t(), b1, b.gelu_pass ? Linear::Epilogue::FastGelu : Linear::Epilogue::Gelu, bf16, /*out_bf16=*/true);
  b.pwconv2 = Linear((w2 * gamma.unsqueeze(1)).t(), b2 * gamma, Linear::Epilogue::Accumulate, bf16);
  return b;
}

void Block::apply(at::Tensor& x, const Block* next) const {
  const int64_t c = x.size(-1), rows = x.numel() / c;
  const auto normed = norm(dwconv(x)).view({rows, c});
  auto x2d = x.view({rows, c});
  if (Linear::mlpInOnePass(pwconv1, pwconv2, normed, x2d)) return;
  auto hidden = pwconv1(normed, &pwconv2);
  pwconv2.into(hidden, x2d, next ? &next->pwconv1 : nullptr);
}

at::Tensor Up::operator()(const at::Tensor& nhwc) const {
  auto y = product(nhwc);
  return norm(y.view({nhwc.size(0), nhwc.size(1), nhwc.size(2), product.outputs()}));
}

void addNearest(at::Tensor& fine, const at::Tensor& coarse) {
  const int64_t n = fine.size(0), h = fine.size(1), w = fine.size(2), c = fine.size(3);
  const int64_t ch = coarse.size(1), cw = coarse.size(2);
  if (h % ch == 0 && w % cw == 0) {
    const int64_t fy = h / ch, fx = w / cw;
    fine.view({n, ch, fy, cw, fx, c}).add_(coarse.view({n, ch, 1, cw, 1, c}));
    return;
  }
  // Odd sizes: materialise the size-based nearest upsampling (source index floor(dst * in / out)).
  fine.add_(toNhwc(at::upsample_nearest2d(nchwView(coarse), {h, w})));
}

}  // namespace revcol::fast
