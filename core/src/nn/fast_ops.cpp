#include "nn/fast_ops.h"

#include "nn/fast_gemm.h"
#include "nn/fast_gelu.h"

#include <ATen/Parallel.h>

#include <algorithm>

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

Patchify Patchify::fromConv(const at::Tensor& weight, const at::Tensor& bias) {
  const int64_t k = weight.size(2);
  return {k, weight.permute({2, 3, 1, 0}).reshape({k * k * weight.size(1), weight.size(0)}).contiguous(), bias};
}

at::Tensor Patchify::operator()(const at::Tensor& nhwc) const {
  const int64_t n = nhwc.size(0), c = nhwc.size(3), h = nhwc.size(1) / kernel, w = nhwc.size(2) / kernel;
  // Rows and columns past a multiple of the kernel are dropped, as the strided convolution does.
  auto x = nhwc.narrow(1, 0, h * kernel).narrow(2, 0, w * kernel);
  auto patches = x.reshape({n, h, kernel, w, kernel, c}).permute({0, 1, 3, 2, 4, 5}).reshape({n * h * w, -1});
  return gemm(patches, wt, bias).view({n, h, w, wt.size(1)});
}

namespace {

// Rows of one MLP block: its hidden part (rows x 4C floats) stays in the 1-2 MiB L2 of one core
// between pwconv1, GELU and pwconv2 instead of going to memory and back three times.
int64_t mlpBlockRows(int64_t channels) { return std::clamp<int64_t>(131072 / (4 * channels), 32, 256); }

}  // namespace

void Block::useBf16() {
  w1t_bf16 = w1t.to(at::kBFloat16);
  b1_bf16 = b1.to(at::kBFloat16);
  w2t_bf16 = w2t.to(at::kBFloat16);
  b2_bf16 = b2.to(at::kBFloat16);
}

void Block::apply(at::Tensor& x) const {
  const int64_t c = x.size(-1), rows = x.numel() / c;
  auto t = norm(dwconv(x)).view({rows, c});
  auto x2d = x.view({rows, c});
  if (w1t_bf16.defined()) {
    // libtorch routes bf16 addmm to oneDNN's matmul, which splits over the OpenMP threads itself.
    auto h = at::addmm(b1_bf16, t.to(at::kBFloat16), w1t_bf16).to(at::kFloat);
    geluInPlace(h);
    x2d.add_(at::addmm(b2_bf16, h.to(at::kBFloat16), w2t_bf16));
    return;
  }
  const int64_t threads = at::in_parallel_region() ? 1 : at::get_num_threads();
  // Row blocks, a multiple of the thread count so that every thread gets the same share; each
  // block runs pwconv1 + GELU + pwconv2 on one thread (one parallel region per MLP).
  const int64_t blocks = (rows / mlpBlockRows(c) + threads - 1) / threads * threads;
  if (blocks >= threads && blocks > 1) {
    const int64_t step = (rows + blocks - 1) / blocks;
    at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b) {
        const int64_t start = b * step, len = std::min(step, rows - start);
        if (len <= 0) continue;
        auto h = at::addmm(b1, t.narrow(0, start, len), w1t);
        geluInPlace(h);  // erf GELU, as nn.GELU()
        auto xb = x2d.narrow(0, start, len);
        xb.add_(b2);
        at::addmm_out(xb, xb, h, w2t);
      }
    });
    return;
  }
  // Few rows (the coarsest level): the products are split by columns instead.
  auto h = gemm(t, w1t, b1);
  geluInPlace(h);
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
