#include "nn/small_rows_product.h"

#include "nn/cpu_runtime.h"
#include "nn/gelu_polynomial.h"

#include <revcol/error.h>

#include <ATen/Parallel.h>

#include <immintrin.h>

#include <algorithm>
#include <utility>

namespace revcol::fast {
namespace {

constexpr int64_t kTileRows = 14;  // 14 rows x 2 vectors = 28 accumulators of the 32 registers

// R rows of x times one panel (k x 32). While it multiplies, it prefetches `prefetch_bytes` of the
// next panel from `prefetch` (one cache line every other k) into L2, so that panel's weights are
// on their way from memory before the kernel reaches them. (Into L2, not L1: a panel is 64-256 KiB.
// Per forward 1.044-1.046x against oneDNN with T1, 1.039-1.044x with T0 in alternating runs;
// prefetching two panels ahead gave 1.026-1.030x.) Output::Gelu applies the erf GELU to the results
// in registers before the stores: no pass over the hidden map afterwards.
template <int R>
__attribute__((target("avx512f"))) void tile(const float* x, int64_t k, const float* panel, const float* bias,
                                             float* out, int64_t n, int cols, SmallRowsProduct::Output output,
                                             const char* prefetch, int64_t prefetch_bytes) {
  // `cols` of the panel's 32 columns are outputs (fewer in the last panel when N is not a multiple
  // of 32): bias, accumulated outputs and stores are masked to them.
  const auto m0 = static_cast<__mmask16>(cols >= 16 ? 0xffff : (1u << cols) - 1);
  const auto m1 = static_cast<__mmask16>(cols >= 32 ? 0xffff : cols > 16 ? (1u << (cols - 16)) - 1 : 0);
  __m512 acc[R][2];
  const __m512 b0 = _mm512_maskz_loadu_ps(m0, bias), b1 = _mm512_maskz_loadu_ps(m1, bias + 16);
  for (int r = 0; r < R; ++r) acc[r][0] = b0, acc[r][1] = b1;
  for (int64_t i = 0; i < k; ++i) {
    const __m512 w0 = _mm512_loadu_ps(panel + i * 32), w1 = _mm512_loadu_ps(panel + i * 32 + 16);
    if (prefetch && (i & 1) == 0 && i * 32 < prefetch_bytes) _mm_prefetch(prefetch + i * 32, _MM_HINT_T1);
    for (int r = 0; r < R; ++r) {
      const __m512 v = _mm512_set1_ps(x[r * k + i]);
      acc[r][0] = _mm512_fmadd_ps(v, w0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(v, w1, acc[r][1]);
    }
  }
  if (output == SmallRowsProduct::Output::Gelu) {
    __m512 c[10];
    loadGeluCoefficients(c);
    for (int r = 0; r < R; ++r) acc[r][0] = gelu16(acc[r][0], c), acc[r][1] = gelu16(acc[r][1], c);
  }
  for (int r = 0; r < R; ++r) {
    float* o = out + r * n;
    __m512 v0 = acc[r][0], v1 = acc[r][1];
    if (output == SmallRowsProduct::Output::Accumulate) {
      v0 = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, o), v0);
      v1 = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, o + 16), v1);
    }
    _mm512_mask_storeu_ps(o, m0, v0);
    _mm512_mask_storeu_ps(o + 16, m1, v1);
  }
}

using TileFn = void (*)(const float*, int64_t, const float*, const float*, float*, int64_t, int,
                        SmallRowsProduct::Output, const char*, int64_t);

template <int... R>
TileFn tileFor(int rows, std::integer_sequence<int, R...>) {
  static constexpr TileFn fns[] = {tile<R + 1>...};
  return fns[rows - 1];
}

// Panels [begin, end) of the product for row tiles [tile_begin, tile_end). Each tile prefetches its
// share of the next panel, so the thread has all of it in L2 when it gets there.
void panelsAvx512(const float* x, int64_t rows, int64_t k, const float* panels, int64_t n, const float* bias,
                  float* out, SmallRowsProduct::Output output, int64_t begin, int64_t end, int64_t tile_begin,
                  int64_t tile_end, const float* after, int64_t after_bytes) {
  constexpr int64_t kPanel = SmallRowsProduct::kPanel;
  const int64_t panel_bytes = k * kPanel * int64_t(sizeof(float));
  for (int64_t q = begin; q < end; ++q) {
    const float* panel = panels + q * k * kPanel;
    const char* next =
        q + 1 < end ? reinterpret_cast<const char*>(panel + k * kPanel) : reinterpret_cast<const char*>(after);
    const int64_t share = (q + 1 < end ? panel_bytes : after_bytes) / (tile_end - tile_begin);  // bytes per tile
    const int cols = static_cast<int>(std::min(kPanel, n - q * kPanel));
    for (int64_t t = tile_begin; t < tile_end; ++t) {
      const int64_t r0 = t * kTileRows;
      const int r = static_cast<int>(std::min(kTileRows, rows - r0));
      tileFor(r, std::make_integer_sequence<int, kTileRows>())(x + r0 * k, k, panel, bias + q * kPanel,
                                                               out + r0 * n + q * kPanel, n, cols, output,
                                                               next ? next + (t - tile_begin) * share : nullptr, share);
    }
  }
}

}  // namespace

bool SmallRowsProduct::available() { return hasAvx512f(); }

bool SmallRowsProduct::worthIt(int64_t rows, int64_t inputs, int64_t outputs) {
  const int64_t weights = inputs * outputs;
  if (rows <= kPanelSplitRows) return weights > (int64_t{1} << 18);
  return rows <= kMaxRows && weights <= (int64_t{1} << 19);
}

SmallRowsProduct::SmallRowsProduct(const at::Tensor& wt) : k_(wt.size(0)), n_(wt.size(1)) {
  if (!available() || n_ < 1) throw Error("fast path: no small-rows kernel for this product");
  // K x N -> panels x K x 32, the last panel zero-padded: one panel's weights are contiguous, read
  // once per product (the kernel's loads need no alignment). Written in place through a view: a
  // transient copy would stay in the heap, which keeps what it frees (cpu_runtime.h).
  const int64_t full = n_ / kPanel, rest = n_ % kPanel;
  panels_ = at::zeros({full + (rest > 0), k_, kPanel});
  const at::Tensor w = wt.detach();
  const at::Tensor by_column = panels_.permute({1, 0, 2});  // K x panels x 32 view
  if (full > 0) by_column.narrow(1, 0, full).copy_(w.narrow(1, 0, full * kPanel).reshape({k_, full, kPanel}));
  if (rest > 0) by_column.select(1, full).narrow(1, 0, rest).copy_(w.narrow(1, full * kPanel, rest));
}

at::Tensor SmallRowsProduct::plain() const {
  const int64_t panels = panels_.size(0);
  at::Tensor out = at::empty({k_, n_});
  out.copy_(panels_.permute({1, 0, 2}).reshape({k_, panels * kPanel}).narrow(1, 0, n_));
  return out;
}

// at::parallel_for (OpenMP) gives thread i the range from i * ceil(count / min(threads, count)).
const float* SmallRowsProduct::firstPanelFor(int64_t rows, int64_t threads, int64_t thread) const {
  const int64_t count = panels_.size(0);
  int64_t first = 0;
  if (rows <= kPanelSplitRows) {
    threads = std::min(threads, count);
    first = thread * ((count + threads - 1) / threads);
    if (first >= count) return nullptr;
  }
  return panels_.data_ptr<float>() + first * k_ * kPanel;
}

void SmallRowsProduct::run(const float* x, int64_t rows, const float* bias, float* out, Output output,
                           const SmallRowsProduct* then) const {
  if (rows < 1 || rows > kMaxRows) throw Error("fast path: too many rows for the small-rows kernel");
  const float* panels = panels_.data_ptr<float>();
  const int64_t tiles = (rows + kTileRows - 1) / kTileRows, panel_count = panels_.size(0);
  const int64_t after_bytes = then ? then->k_ * kPanel * int64_t(sizeof(float)) : 0;
  const int64_t threads = at::get_num_threads();
  auto after = [&] { return then ? then->firstPanelFor(rows, threads, at::get_thread_num()) : nullptr; };
  if (rows <= kPanelSplitRows) {
    at::parallel_for(0, panel_count, 1, [&](int64_t begin, int64_t end) {
      panelsAvx512(x, rows, k_, panels, n_, bias, out, output, begin, end, 0, tiles, after(), after_bytes);
    });
  } else {
    at::parallel_for(0, tiles, 1, [&](int64_t begin, int64_t end) {
      panelsAvx512(x, rows, k_, panels, n_, bias, out, output, 0, panel_count, begin, end, after(), after_bytes);
    });
  }
}

}  // namespace revcol::fast
