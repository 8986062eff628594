#pragma once
// Matrix products of the fast path, split across the intra-op (OpenMP) threads by rows, or by
// columns when there are few rows. Each part is one single-threaded BLAS call (configureCpuThreads
// makes OpenBLAS single-threaded), so OpenMP and OpenBLAS never compete for the cores.
#include <ATen/ATen.h>

namespace revcol::fast {

// out[M, N] = bias[N] + x[M, K] @ wt[K, N]   (bias may be undefined: no bias).
// With accumulate: out += x @ wt (bias ignored), e.g. a residual branch added in place.
// x and wt must be float32 with unit stride in their last dimension; out is written in place.
void gemmInto(const at::Tensor& x, const at::Tensor& wt, const at::Tensor& bias, at::Tensor& out, bool accumulate);

// A new M x N tensor: bias + x @ wt.
at::Tensor gemm(const at::Tensor& x, const at::Tensor& wt, const at::Tensor& bias);

}  // namespace revcol::fast
