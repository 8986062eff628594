#pragma once
// erf GELU of 16 floats in AVX-512 registers, x * Phi(x) from a 16-piece degree-5 polynomial of Phi
// (|error| <= 2.4e-7 against float64): the GELU pass (fast_gelu.h) and the small-rows kernel's
// fused GELU (small_rows_product.h) share it. Callers check hasAvx512f() first.
#include <immintrin.h>

// GCC 12 reports the _mm512_undefined_ps() inside its own masked intrinsics as "may be used
// uninitialized" (a false positive of the headers, not of this code).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace revcol::fast {

// Phi(-t) = 1 - Phi(t) on the 16 pieces [i h, (i + 1) h) of [0, 6), h = 6 / 16: kPhiCoefficients[0..5][i]
// are the degree-5 .. degree-0 coefficients in u = t - i h, as fast_gelu_fit.py prints them
// (least squares in float64 on Chebyshev nodes of each piece).
alignas(64) inline constexpr float kPhiCoefficients[6][16] = {
    {-9.050740234e-03f, -3.401132867e-03f, 3.172907565e-03f, 6.089932954e-03f, 4.767354077e-03f, 1.764989476e-03f,
     -4.352146472e-04f, -1.143794843e-03f, -9.342232327e-04f, -5.143375464e-04f, -2.165590551e-04f, -7.312817127e-05f,
     -2.028364730e-05f, -4.686488705e-06f, -9.101830939e-07f, -1.495257946e-07f},
    {-5.160904799e-04f, -1.806530771e-02f, -2.415161167e-02f, -1.747411529e-02f, -5.561694234e-03f, 3.401980169e-03f,
     6.484664209e-03f, 5.467413632e-03f, 3.244907950e-03f, 1.497937982e-03f, 5.598252997e-04f, 1.729263045e-04f,
     4.469565344e-05f, 9.744322008e-06f, 1.801954044e-06f, 2.837967694e-07f},
    {6.660283961e-02f, 5.354617448e-02f, 2.218732103e-02f, -9.340392920e-03f, -2.708588954e-02f, -2.896148810e-02f,
     -2.155494905e-02f, -1.250054662e-02f, -5.893290158e-03f, -2.306313389e-03f, -7.582901883e-04f, -2.110680138e-04f,
     -4.999523832e-05f, -1.011486736e-05f, -1.752706868e-06f, -2.606685676e-07f},
    {-1.051400899e-05f, 6.969756475e-02f, 1.129067362e-01f, 1.191775963e-01f, 9.714745285e-02f, 6.449772847e-02f,
     3.571262392e-02f, 1.670111964e-02f, 6.646357131e-03f, 2.261727387e-03f, 6.603123202e-04f, 1.657799348e-04f,
     3.585422020e-05f, 6.688746036e-06f, 1.077427310e-06f, 1.499756530e-07f},
    {-3.989419291e-01f, -3.718542788e-01f, -3.011368036e-01f, -2.118765586e-01f, -1.295178972e-01f, -6.878661464e-02f,
     -3.173982573e-02f, -1.272419980e-02f, -4.431802452e-03f, -1.341073814e-03f, -3.525701675e-04f, -8.052988761e-05f,
     -1.598031077e-05f, -2.755039379e-06f, -4.126507905e-07f, -5.369670484e-08f},
    {4.999999981e-01f, 3.538302291e-01f, 2.266273491e-01f, 1.302945167e-01f, 6.680720285e-02f, 3.039636352e-02f,
     1.222447355e-02f, 4.332448450e-03f, 1.349897791e-03f, 3.690782207e-04f, 8.841715359e-05f, 1.853668357e-05f,
     3.397655548e-06f, 5.440376602e-07f, 7.604860462e-08f, 9.275217622e-09f},
};

// x * Phi(x) = x - x * Phi(-x) for x >= 0 and x * Phi(-|x|) for x < 0.
__attribute__((target("avx512f"), always_inline)) inline __m512 gelu16(__m512 x, const __m512 (&c)[6]) {
  const __m512 t = _mm512_abs_ps(x);
  const __m512i piece =
      _mm512_min_epi32(_mm512_cvttps_epi32(_mm512_mul_ps(t, _mm512_set1_ps(16.0f / 6.0f))), _mm512_set1_epi32(15));
  const __m512 u = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(piece), _mm512_set1_ps(6.0f / 16.0f), t);
  __m512 q = _mm512_permutexvar_ps(piece, c[0]);
  for (int d = 1; d < 6; ++d) q = _mm512_fmadd_ps(q, u, _mm512_permutexvar_ps(piece, c[d]));
  // Past 6 the x * Phi(-|x|) term is 0 (< 1e-8 |x|), not inf * 0; a NaN goes through and stays NaN.
  const __m512 r = _mm512_maskz_mul_ps(_mm512_cmp_ps_mask(t, _mm512_set1_ps(6.0f), _CMP_NGE_UQ), x, q);
  return _mm512_mask_sub_ps(r, _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ), x, r);
}

__attribute__((target("avx512f"), always_inline)) inline void loadGeluCoefficients(__m512 (&c)[6]) {
  for (int d = 0; d < 6; ++d) c[d] = _mm512_load_ps(kPhiCoefficients[d]);
}

}  // namespace revcol::fast
