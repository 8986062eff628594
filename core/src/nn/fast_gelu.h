#pragma once
// erf GELU in place on a contiguous float32 tensor, as a pass of its own after a plain oneDNN
// product (Linear's FastGelu epilogue; the small-rows kernel applies the same GELU in its stores).
// oneDNN's GELU fused into pwconv1 computes erf through exp and a division (~1.6 cycles per value
// here, from pwconv1's time less pwconv2's); this pass evaluates x * Phi(x) from a 32-piece
// degree-4 polynomial of Phi on [0, 6] (gelu_polynomial.h; |error| <= 2.4e-7 against float64,
// below libtorch's own float32 GELU at 3.8e-7), split over the intra-op threads. With the same
// polynomial in the small-rows kernel's stores, RevCol-T's forward is 6-10 % faster than with
// oneDNN's fused GELU (revcol-bench, sessions 10-11). AVX-512 only: elsewhere geluInPlace is
// at::gelu_, slower than oneDNN's fused GELU, so the fast path asks geluPassAvailable() first.
#include <ATen/ATen.h>

namespace revcol::fast {

bool geluPassAvailable();
void geluInPlace(at::Tensor& x);

}  // namespace revcol::fast
