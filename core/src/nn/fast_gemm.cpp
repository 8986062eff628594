#include "nn/fast_gemm.h"

#include <ATen/Parallel.h>

#include <algorithm>

namespace revcol::fast {
namespace {

// Below this many rows per thread a row split leaves each BLAS call too thin to reach its
// kernel's speed; the columns (output channels, >= 64 here) are split instead.
constexpr int64_t kMinRowsPerThread = 64;

void gemmPart(const at::Tensor& x, const at::Tensor& wt, const at::Tensor& bias, at::Tensor out, bool accumulate) {
  if (accumulate)
    at::addmm_out(out, out, x, wt);
  else if (bias.defined())
    at::addmm_out(out, bias, x, wt);
  else
    at::mm_out(out, x, wt);
}

}  // namespace

void gemmInto(const at::Tensor& x, const at::Tensor& wt, const at::Tensor& bias, at::Tensor& out, bool accumulate) {
  const int64_t m = x.size(0), n = wt.size(1);
  const int64_t threads = at::in_parallel_region() ? 1 : at::get_num_threads();
  if (threads <= 1 || m * n < 4096) {
    gemmPart(x, wt, bias, out, accumulate);
    return;
  }
  const bool by_rows = m >= kMinRowsPerThread * threads;
  const int64_t extent = by_rows ? m : n;
  // Parts aligned to 16 (one AVX-512 register of floats) so no part splits a kernel tile.
  const int64_t step = (extent / threads + 15) / 16 * 16;
  const int64_t parts = (extent + step - 1) / step;
  at::parallel_for(0, parts, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t start = p * step, len = std::min(step, extent - start);
      if (by_rows)
        gemmPart(x.narrow(0, start, len), wt, bias, out.narrow(0, start, len), accumulate);
      else
        gemmPart(x, wt.narrow(1, start, len), bias.defined() ? bias.narrow(0, start, len) : bias,
                 out.narrow(1, start, len), accumulate);
    }
  });
}

at::Tensor gemm(const at::Tensor& x, const at::Tensor& wt, const at::Tensor& bias) {
  auto out = at::empty({x.size(0), wt.size(1)}, x.options());
  gemmInto(x, wt, bias, out, false);
  return out;
}

}  // namespace revcol::fast
