#include "nn/fast_gelu.h"

#include "nn/cpu_runtime.h"
#include "nn/gelu_polynomial.h"

#include <ATen/Parallel.h>

#include <immintrin.h>

namespace revcol::fast {
namespace {

__attribute__((target("avx512f"))) void geluAvx512(float* p, int64_t n) {
  __m512 c[10];
  loadGeluCoefficients(c);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(p + i, gelu16(_mm512_loadu_ps(p + i), c));
  if (i < n) {
    const auto m = static_cast<__mmask16>((1u << (n - i)) - 1);
    _mm512_mask_storeu_ps(p + i, m, gelu16(_mm512_maskz_loadu_ps(m, p + i), c));
  }
}

}  // namespace

bool geluPassAvailable() { return hasAvx512f(); }

void geluInPlace(at::Tensor& x) {
  if (!geluPassAvailable() || !x.is_contiguous() || x.scalar_type() != at::kFloat) {
    at::gelu_(x);
    return;
  }
  float* data = x.data_ptr<float>();
  at::parallel_for(0, x.numel(), 4096, [&](int64_t begin, int64_t end) { geluAvx512(data + begin, end - begin); });
}

}  // namespace revcol::fast
