#pragma once
// erf GELU of 16 floats in AVX-512 registers, x * Phi(x) from a 32-piece degree-4 polynomial of Phi
// (|error| <= 2.4e-7 against float64): the GELU pass (fast_gelu.h) and the small-rows kernel's
// fused GELU (small_rows_product.h) share it. Callers check hasAvx512f() first.
#include <immintrin.h>

// GCC 12 reports the _mm512_undefined_ps() inside its own masked intrinsics as "may be used
// uninitialized" (a false positive of the headers, not of this code).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace revcol::fast {

// Phi(-t) = 1 - Phi(t) on 32 pieces centred on i h, i = 0..31, h = 6 / 31.5 (together [0, 6]):
// kPhiCoefficients[0..4][i] are the degree-4 .. degree-0 coefficients in u = t - i h, |u| <= h / 2,
// as fast_gelu_fit.py prints them (least squares in float64 on Chebyshev nodes of each piece).
// Degree 4 over 32 pieces instead of degree 5 over 16: five two-table permutes and four FMAs per
// 16 values instead of six and five, and the piece comes from one FMA with a magic constant
// instead of two conversions and a clamp: 17 instructions per vector instead of 21, same error.
alignas(64) inline constexpr float kPhiCoefficients[5][32] = {
    {4.798317648e-12f, -9.194444927e-03f, -1.677672576e-02f, -2.152576224e-02f, -2.288209351e-02f, -2.102220445e-02f,
     -1.673123212e-02f, -1.113488876e-02f, -5.388475954e-03f, -4.184574419e-04f, 3.222513092e-03f, 5.374120099e-03f,
     6.188508813e-03f, 6.001315429e-03f, 5.202384101e-03f, 4.139274013e-03f, 3.066005579e-03f, 2.132442794e-03f,
     1.400507618e-03f, 8.719714526e-04f, 5.161428304e-04f, 2.910888908e-04f, 1.566739938e-04f, 8.058636374e-05f,
     3.965404016e-05f, 1.868355987e-05f, 8.435279377e-06f, 3.651559632e-06f, 1.516449943e-06f, 6.044328938e-07f,
     2.313192460e-07f, 8.502972183e-08f},
    {6.637742928e-02f, 6.282317264e-02f, 5.278724541e-02f, 3.799723019e-02f, 2.087003032e-02f, 3.966470609e-03f,
     -1.053201809e-02f, -2.119081891e-02f, -2.746260638e-02f, -2.960585528e-02f, -2.844738868e-02f, -2.508327393e-02f,
     -2.060571204e-02f, -1.591270763e-02f, -1.161873744e-02f, -8.052819835e-03f, -5.313032982e-03f, -3.343944226e-03f,
     -2.010944218e-03f, -1.156956641e-03f, -6.374586968e-04f, -3.366393855e-04f, -1.705113582e-04f, -8.288317022e-05f,
     -3.868253380e-05f, -1.734120225e-05f, -7.469896140e-06f, -3.092829130e-06f, -1.231179321e-06f, -4.713186100e-07f,
     -1.735512277e-07f, -6.148121079e-08f},
    {2.972368586e-14f, 3.731140413e-02f, 7.067024132e-02f, 9.681354879e-02f, 1.136911081e-01f, 1.207067191e-01f,
     1.186454062e-01f, 1.093400443e-01f, 9.519102482e-02f, 7.867135001e-02f, 6.192776757e-02f, 4.654067494e-02f,
     3.345176395e-02f, 2.302619154e-02f, 1.519465889e-02f, 9.620142132e-03f, 5.847640272e-03f, 3.414468589e-03f,
     1.916034433e-03f, 1.033675082e-03f, 5.362941862e-04f, 2.676566298e-04f, 1.285316084e-04f, 5.940001343e-05f,
     2.642312927e-05f, 1.131540569e-05f, 4.665555388e-06f, 1.852406810e-06f, 7.082978334e-07f, 2.608457597e-07f,
     9.252892392e-08f, 3.161774863e-08f},
    {-3.989420244e-01f, -3.917702460e-01f, -3.710192423e-01f, -3.388478525e-01f, -2.984395332e-01f, -2.534844177e-01f,
     -2.076296971e-01f, -1.640102328e-01f, -1.249383229e-01f, -9.178329180e-02f, -6.502416629e-02f, -4.442517356e-02f,
     -2.927026271e-02f, -1.859804184e-02f, -1.139595948e-02f, -6.734069714e-03f, -3.837490496e-03f, -2.108919317e-03f,
     -1.117674943e-03f, -5.712338184e-04f, -2.815497186e-04f, -1.338255438e-04f, -6.134308416e-05f, -2.711657312e-05f,
     -1.155969939e-05f, -4.752266030e-06f, -1.884071335e-06f, -7.203378850e-07f, -2.655934783e-07f, -9.443667958e-08f,
     -3.238217948e-08f, -1.070812461e-08f},
    {5.000000000e-01f, 4.244679995e-01f, 3.516192918e-01f, 2.838545832e-01f, 2.230584239e-01f, 1.704519080e-01f,
     1.265489545e-01f, 9.121121973e-02f, 6.377814987e-02f, 4.323813272e-02f, 2.840551393e-02f, 1.807491616e-02f,
     1.113548946e-02f, 6.639635575e-03f, 3.830380562e-03f, 2.137366980e-03f, 1.153310703e-03f, 6.016531695e-04f,
     3.033834272e-04f, 1.478446184e-04f, 6.961735207e-05f, 3.167124376e-05f, 1.391848251e-05f, 5.908085504e-06f,
     2.422052480e-06f, 9.588711668e-07f, 3.665546449e-07f, 1.352957452e-07f, 4.821305853e-08f, 1.658636534e-08f,
     5.508293099e-09f, 1.765783888e-09f},
};
inline constexpr float kPhiPieceWidth = 6.0f / 31.5f;

// x * Phi(x) = x - x * Phi(-x) for x >= 0 and x * Phi(-|x|) for x < 0. The piece index is
// round(t / h), read from the low mantissa bits of t / h + 1.5 * 2^23 (exact for t / h < 2^22;
// past 6 the index is anything and the term is dropped).
__attribute__((target("avx512f"), always_inline)) inline __m512 gelu16(__m512 x, const __m512 (&c)[10]) {
  const __m512 magic = _mm512_set1_ps(12582912.0f);  // 1.5 * 2^23
  const __m512 t = _mm512_abs_ps(x);
  const __m512 shifted = _mm512_fmadd_ps(t, _mm512_set1_ps(1.0f / kPhiPieceWidth), magic);
  const __m512i piece = _mm512_castps_si512(shifted);  // permutex2var reads its low 5 bits
  const __m512 u = _mm512_fnmadd_ps(_mm512_sub_ps(shifted, magic), _mm512_set1_ps(kPhiPieceWidth), t);
  __m512 q = _mm512_permutex2var_ps(c[0], piece, c[1]);
  for (int d = 1; d < 5; ++d) q = _mm512_fmadd_ps(q, u, _mm512_permutex2var_ps(c[2 * d], piece, c[2 * d + 1]));
  // Past 6 the x * Phi(-|x|) term is 0 (< 1e-8 |x|), not inf * 0; a NaN goes through and stays NaN.
  const __m512 r = _mm512_maskz_mul_ps(_mm512_cmp_ps_mask(t, _mm512_set1_ps(6.0f), _CMP_NGE_UQ), x, q);
  return _mm512_mask_sub_ps(r, _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ), x, r);
}

// The table as permutex2var wants it: coefficient d's pieces 0-15 in c[2 d], 16-31 in c[2 d + 1].
__attribute__((target("avx512f"), always_inline)) inline void loadGeluCoefficients(__m512 (&c)[10]) {
  for (int d = 0; d < 5; ++d) {
    c[2 * d] = _mm512_load_ps(kPhiCoefficients[d]);
    c[2 * d + 1] = _mm512_load_ps(kPhiCoefficients[d] + 16);
  }
}

}  // namespace revcol::fast

#pragma GCC diagnostic pop
