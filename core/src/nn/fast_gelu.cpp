#include "nn/fast_gelu.h"

#include <ATen/Parallel.h>

#include <immintrin.h>

// GCC 12 reports the _mm512_undefined_ps() inside its own masked intrinsics as "may be used
// uninitialized" (a false positive of the headers, not of this code).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <cmath>

namespace revcol::fast {
namespace {

// exp(x) for x <= 0 (the argument here is -z^2): 2^n * p(r), n = round(x / ln 2), r = x - n ln 2
// in two parts, p the degree-6 Taylor polynomial (relative error ~2e-7 on |r| <= ln2 / 2).
__attribute__((target("avx512f"))) inline __m512 expNonPositive(__m512 x) {
  x = _mm512_max_ps(x, _mm512_set1_ps(-87.0f));
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.0f / 720);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

__attribute__((target("avx512f"))) inline __m512 gelu16(__m512 x) {
  const __m512 z = _mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752f));  // x / sqrt 2
  const __m512 a = _mm512_abs_ps(z);
  // t = 1 / (1 + p |z|): 14-bit reciprocal + one Newton step (~1e-8 relative; a division costs
  // more than the rest of this function on one AVX-512 port).
  const __m512 d = _mm512_fmadd_ps(a, _mm512_set1_ps(0.3275911f), _mm512_set1_ps(1.0f));
  const __m512 r0 = _mm512_rcp14_ps(d);
  const __m512 t = _mm512_mul_ps(r0, _mm512_fnmadd_ps(d, r0, _mm512_set1_ps(2.0f)));
  __m512 poly = _mm512_set1_ps(1.061405429f);
  poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(-1.453152027f));
  poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(1.421413741f));
  poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(-0.284496736f));
  poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(0.254829592f));
  poly = _mm512_mul_ps(poly, t);
  const __m512 e = expNonPositive(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_mul_ps(a, a)));
  __m512 erf_abs = _mm512_fnmadd_ps(poly, e, _mm512_set1_ps(1.0f));  // erf(|z|)
  // erf is odd: flip the sign where z < 0 (sign bit of z onto erf(|z|)).
  const __m512i sign = _mm512_and_si512(_mm512_castps_si512(z), _mm512_set1_epi32(int(0x80000000u)));
  const __m512 erf = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(erf_abs), sign));
  return _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), x), _mm512_add_ps(_mm512_set1_ps(1.0f), erf));
}

__attribute__((target("avx512f"))) void geluAvx512(float* x, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, gelu16(_mm512_loadu_ps(x + i)));
  if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
    _mm512_mask_storeu_ps(x + i, m, gelu16(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

}  // namespace

void geluInPlace(at::Tensor& x) {
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  if (!avx512 || !x.is_contiguous() || x.scalar_type() != at::kFloat) {
    at::gelu_(x);
    return;
  }
  float* data = x.data_ptr<float>();
  at::parallel_for(0, x.numel(), 1 << 15, [&](int64_t begin, int64_t end) { geluAvx512(data + begin, end - begin); });
}

}  // namespace revcol::fast
