#pragma once
// erf GELU in place, the fast path's largest elementwise cost: libtorch 1.13 here runs its AVX2
// kernel (~0.8 ns per value on the 56 x 56 x 256 maps of RevCol-T). This one uses AVX-512 where
// the CPU has it (erf of Abramowitz & Stegun 7.1.26, |error| <= 1.5e-7, the formula of libtorch's
// own vectorised erf) and falls back to at::gelu_ elsewhere.
#include <ATen/ATen.h>

namespace revcol::fast {

// x = 0.5 x (1 + erf(x / sqrt 2)) for a contiguous float32 tensor, split over the intra-op threads.
void geluInPlace(at::Tensor& x);

}  // namespace revcol::fast
