#include "nn/fast_ops.h"

#include "nn/fast_gemm.h"

namespace revcol::fast {

at::Tensor nchwView(const at::Tensor& nhwc) { return nhwc.permute({0, 3, 1, 2}); }

at::Tensor toNhwc(const at::Tensor& nchw) { return nchw.permute({0, 2, 3, 1}).contiguous(); }

at::Tensor Norm::operator()(const at::Tensor& nhwc) const {
  return at::layer_norm(nhwc, {nhwc.size(-1)}, weight, bias, 1e-6, /*cudnn_enable=*/false);
}

at::Tensor Conv::operator()(const at::Tensor& nhwc) const {
  auto y = at::conv2d(nchwView(nhwc), weight, bias, {stride, stride}, {padding, padding}, {1, 1}, groups);
  return toNhwc(y);
}

void Block::apply(at::Tensor& x) const {
  const int64_t c = x.size(-1), rows = x.numel() / c;
  auto t = norm(dwconv(x)).view({rows, c});
  auto h = gemm(t, w1t, b1);
  at::gelu_(h);  // erf GELU, as nn.GELU()
  auto x2d = x.view({rows, c});
  x2d.add_(b2);
  gemmInto(h, w2t, at::Tensor(), x2d, /*accumulate=*/true);
}

at::Tensor Up::operator()(const at::Tensor& nhwc) const {
  const int64_t c = nhwc.size(-1), rows = nhwc.numel() / c;
  auto y = gemm(nhwc.reshape({rows, c}), wt, b);
  return norm(y.view({nhwc.size(0), nhwc.size(1), nhwc.size(2), wt.size(1)}));
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
