#include "nn/split_bf16_product.h"

#include "nn/gelu_polynomial.h"

#include <revcol/error.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11 && defined(__linux__)
#define REVCOL_SPLIT_BF16 1
#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>
#else
#define REVCOL_SPLIT_BF16 0
#endif

namespace revcol::fast {

constexpr int64_t kMaxColumnRows = 256;  // up to this many rows the threads split the columns

#if REVCOL_SPLIT_BF16

// GCC 12 reports the _mm512_undefined_* inside its own AVX-512 intrinsics as (maybe) used
// uninitialized: false positives of the headers (as in gelu_polynomial.h).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace {

#define REVCOL_AMX_TARGET __attribute__((target("amx-tile,amx-bf16,avx512f,avx512bw,avx512vl,avx512bf16")))

constexpr int64_t kBlock = SplitBf16Product::kBlock;
constexpr int64_t kTile = 16;           // rows and float32 columns of a tile
constexpr int64_t kStep = 32;           // K per tile product (16 pairs of bfloat16)
constexpr int64_t kTileValues = 512;    // bfloat16 values of a 16 x 64-byte tile

// Palette 1, all eight tiles 16 rows x 64 bytes: tiles 0-3 the 2 x 2 sums of a 32 x 32 block,
// 4-5 its two 16-row parts of x, 6-7 its two 16-column parts of W.
struct alignas(64) TileConfig {
  uint8_t palette = 1, start_row = 0, reserved[14] = {};
  uint16_t bytes_per_row[16] = {64, 64, 64, 64, 64, 64, 64, 64};
  uint8_t rows[16] = {16, 16, 16, 16, 16, 16, 16, 16};
};

// 16 floats into their three bfloat16 parts, each rounded to nearest even: exact (see the header).
REVCOL_AMX_TARGET inline __m512 widen(__m256i b) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(b), 16));
}

REVCOL_AMX_TARGET inline void split16(__m512 a, __m256i& hi, __m256i& mid, __m256i& lo) {
  hi = (__m256i)_mm512_cvtneps_pbh(a);
  const __m512 r1 = _mm512_sub_ps(a, widen(hi));
  mid = (__m256i)_mm512_cvtneps_pbh(r1);
  lo = (__m256i)_mm512_cvtneps_pbh(_mm512_sub_ps(r1, widen(mid)));
}

REVCOL_AMX_TARGET void splitTo(const float* values, uint16_t (&parts)[3][16]) {
  __m256i h, m, l;
  split16(_mm512_loadu_ps(values), h, m, l);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(parts[0]), h);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(parts[1]), m);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(parts[2]), l);
}

// Rows [r0, r0 + 32) of x (rows x k) into parts[part][32][kp] (bfloat16 bits), zero past the rows
// and past k, so every tile load reads whole tiles.
REVCOL_AMX_TARGET void splitRows(const float* x, int64_t rows, int64_t k, int64_t kp, int64_t r0, uint16_t* parts) {
  const int64_t part = kBlock * kp;
  for (int64_t r = 0; r < kBlock; ++r) {
    uint16_t* hi = parts + r * kp;
    if (r0 + r >= rows) {
      for (int p = 0; p < 3; ++p) std::memset(hi + p * part, 0, size_t(kp) * 2);
      continue;
    }
    const float* row = x + (r0 + r) * k;
    for (int64_t i = 0; i < kp; i += 16) {
      const auto mask = static_cast<__mmask16>(i + 16 <= k ? 0xffff : i < k ? (1u << (k - i)) - 1 : 0);
      __m256i h, m, l;
      split16(_mm512_maskz_loadu_ps(mask, row + i), h, m, l);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(hi + i), h);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(hi + part + i), m);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(hi + 2 * part + i), l);
    }
  }
}

// One 32 x 32 block of out: rows [0, 32) of the split rows `a` (stride kp) times column tiles j
// and j + 1 of the packed weights, six part products per K step. Each group of four tile products
// reads its tiles in the order that frees first the tile the next group reloads, so the load
// overlaps the products still reading the other tiles (the tile registers are not renamed).
REVCOL_AMX_TARGET void block(const uint16_t* a, int64_t kp, const uint16_t* w0, const uint16_t* w1, int64_t steps,
                             const float* bias, float* out, int64_t n, int64_t valid_rows, int64_t valid_cols,
                             SplitBf16Product::Output output) {
  const int64_t stride = kp * 2;  // bytes between rows of a part
  const uint16_t *hi = a, *mid = a + kBlock * kp, *lo = a + 2 * kBlock * kp;
  const int64_t lower = kTile * kp;  // the second 16 rows
  constexpr int64_t kMid = kTileValues, kLo = 2 * kTileValues, kNext = 3 * kTileValues;
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  _tile_loadd(4, hi, stride);
  _tile_loadd(5, hi + lower, stride);
  _tile_loadd(6, w0 + kLo, 64);
  _tile_loadd(7, w1 + kLo, 64);
  for (int64_t s = 0; s < steps; ++s) {
    const uint16_t *b0 = w0 + s * kNext, *b1 = w1 + s * kNext;
    const int64_t c = s * kStep;
    // hi x lo, then x stays and W becomes hi
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(2, 5, 6);
    _tile_loadd(6, b0, 64);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(3, 5, 7);
    _tile_loadd(7, b1, 64);
    // hi x hi, then W becomes mid
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(2, 5, 6);
    _tile_loadd(6, b0 + kMid, 64);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(3, 5, 7);
    _tile_loadd(7, b1 + kMid, 64);
    // hi x mid, then x becomes mid
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_loadd(4, mid + c, stride);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
    _tile_loadd(5, mid + lower + c, stride);
    // mid x mid, then W becomes hi
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(2, 5, 6);
    _tile_loadd(6, b0, 64);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(3, 5, 7);
    _tile_loadd(7, b1, 64);
    // mid x hi, then x becomes lo
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_loadd(4, lo + c, stride);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
    _tile_loadd(5, lo + lower + c, stride);
    // lo x hi, then the next step's hi x lo
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    if (s + 1 < steps) _tile_loadd(4, hi + c + kStep, stride);
    _tile_dpbf16ps(2, 5, 6);
    if (s + 1 < steps) _tile_loadd(6, b0 + kNext + kLo, 64);
    _tile_dpbf16ps(3, 5, 7);
    if (s + 1 < steps) {
      _tile_loadd(5, hi + lower + c + kStep, stride);
      _tile_loadd(7, b1 + kNext + kLo, 64);
    }
  }
  alignas(64) float sums[4][kTile * kTile];
  _tile_stored(0, sums[0], 64);
  _tile_stored(1, sums[1], 64);
  _tile_stored(2, sums[2], 64);
  _tile_stored(3, sums[3], 64);
  __m512 gelu[10];
  if (output == SplitBf16Product::Output::Gelu) loadGeluCoefficients(gelu);
  for (int64_t half = 0; half < 2; ++half) {
    const int64_t col = half * kTile;
    if (col >= valid_cols) break;
    const auto mask = static_cast<__mmask16>(valid_cols - col >= 16 ? 0xffff : (1u << (valid_cols - col)) - 1);
    const __m512 b = _mm512_maskz_loadu_ps(mask, bias + col);
    for (int64_t r = 0; r < valid_rows; ++r) {
      __m512 v = _mm512_add_ps(_mm512_load_ps(sums[(r / kTile) * 2 + half] + (r % kTile) * kTile), b);
      float* o = out + r * n + col;
      if (output == SplitBf16Product::Output::Gelu) v = gelu16(v, gelu);
      if (output == SplitBf16Product::Output::Accumulate) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, o));
      _mm512_mask_storeu_ps(o, mask, v);
    }
  }
}

// The split rows of a product: per thread, reused from call to call (the heap keeps what it
// frees anyway, cpu_runtime.h).
std::vector<uint16_t>& scratch(size_t values) {
  thread_local std::vector<uint16_t> parts;
  if (parts.size() < values) parts.resize(values);
  return parts;
}

REVCOL_AMX_TARGET void configureTiles() {
  static const TileConfig config;
  _tile_loadconfig(&config);
}

REVCOL_AMX_TARGET void releaseTiles() { _tile_release(); }

bool tilesPermitted() {
  constexpr long kReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;  // <asm/prctl.h>, Linux 5.16
  return syscall(SYS_arch_prctl, kReqXcompPerm, kXfeatureXtiledata) == 0;
}

}  // namespace

bool SplitBf16Product::available() {
  static const bool ok = __builtin_cpu_supports("amx-tile") && __builtin_cpu_supports("amx-bf16") &&
                         __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512bw") &&
                         __builtin_cpu_supports("avx512vl") && tilesPermitted();
  return ok;
}

SplitBf16Product::SplitBf16Product(const at::Tensor& wt_in)
    : k_(wt_in.size(0)), n_(wt_in.size(1)), k_steps_((k_ + kStep - 1) / kStep) {
  if (!available() || n_ < 1 || k_ < 1) throw Error("fast path: no AMX split-bfloat16 kernel for this product");
  const at::Tensor wt = wt_in.detach().to(at::kFloat).contiguous();
  const int64_t col_tiles = (n_ + kBlock - 1) / kBlock * 2;
  packed_ = at::zeros({col_tiles, k_steps_, 3, kTileValues}, at::kShort);
  // Row k of W, 16 columns at a time: part p of W[k][16 j + c] goes to tile (j, k / 32, p), row
  // (k % 32) / 2, pair position c * 2 + k % 2 (the layout TDPBF16PS reads its second operand in).
  auto* packed = reinterpret_cast<uint16_t*>(packed_.data_ptr<int16_t>());
  const float* w = wt.data_ptr<float>();
  std::vector<float> row(size_t(col_tiles) * kTile, 0.f);
  uint16_t parts[3][16];
  for (int64_t k = 0; k < k_; ++k) {
    std::copy(w + k * n_, w + (k + 1) * n_, row.begin());
    const int64_t s = k / kStep, r = (k % kStep) / 2, e = k % 2;
    for (int64_t j = 0; j < col_tiles; ++j) {
      splitTo(row.data() + j * kTile, parts);
      for (int p = 0; p < 3; ++p) {
        uint16_t* tile = packed + ((j * k_steps_ + s) * 3 + p) * kTileValues + r * 32 + e;
        for (int64_t c = 0; c < kTile; ++c) tile[c * 2] = parts[p][c];
      }
    }
  }
}

at::Tensor SplitBf16Product::plain() const {
  at::Tensor out = at::empty({k_, n_});
  float* w = out.data_ptr<float>();
  const auto* packed = reinterpret_cast<const uint16_t*>(packed_.data_ptr<int16_t>());
  const auto value = [](uint16_t bits) {
    const uint32_t u = uint32_t(bits) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return double(f);
  };
  for (int64_t k = 0; k < k_; ++k) {
    const int64_t s = k / kStep, r = (k % kStep) / 2, e = k % 2;
    for (int64_t col = 0; col < n_; ++col) {
      const uint16_t* tile = packed + ((col / kTile * k_steps_ + s) * 3) * kTileValues + r * 32 + (col % kTile) * 2 + e;
      // hi + mid + lo is the float32 exactly; summed in float64 so no partial sum rounds.
      w[k * n_ + col] = float(value(tile[0]) + value(tile[kTileValues]) + value(tile[2 * kTileValues]));
    }
  }
  return out;
}

void SplitBf16Product::run(const float* x, int64_t rows, const float* bias, float* out, Output output) const {
  if (rows < 1) return;
  const auto* packed = reinterpret_cast<const uint16_t*>(packed_.data_ptr<int16_t>());
  const int64_t kp = k_steps_ * kStep, row_blocks = (rows + kBlock - 1) / kBlock;
  const int64_t col_blocks = (n_ + kBlock - 1) / kBlock, block_values = 3 * kBlock * kp;
  const int64_t tile_values = k_steps_ * 3 * kTileValues;  // one column tile over all of K
  const auto product = [&](const uint16_t* parts, int64_t rb, int64_t cb) {
    const uint16_t* w0 = packed + 2 * cb * tile_values;
    block(parts, kp, w0, w0 + tile_values, k_steps_, bias + cb * kBlock, out + rb * kBlock * n_ + cb * kBlock, n_,
          std::min(kBlock, rows - rb * kBlock), std::min(kBlock, n_ - cb * kBlock), output);
  };
  if (rows > kMaxColumnRows) {
    // Each thread its own row blocks: it splits a block's rows (in L1) and multiplies them by all
    // of W (in L2 for RevCol's levels 0 and 1).
    at::parallel_for(0, row_blocks, 1, [&](int64_t begin, int64_t end) {
      uint16_t* parts = scratch(size_t(block_values)).data();
      configureTiles();
      for (int64_t rb = begin; rb < end; ++rb) {
        splitRows(x, rows, k_, kp, rb * kBlock, parts);
        for (int64_t cb = 0; cb < col_blocks; ++cb) product(parts, rb, cb);
      }
      releaseTiles();
    });
    return;
  }
  // Few rows: the threads split the rows together, then each multiplies all of them by its own
  // column blocks, so each reads only its share of W (RevCol-T's level 3: 4 MiB of float32 per
  // product, from memory on every forward).
  uint16_t* parts = scratch(size_t(row_blocks * block_values)).data();
  at::parallel_for(0, row_blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t rb = begin; rb < end; ++rb) splitRows(x, rows, k_, kp, rb * kBlock, parts + rb * block_values);
  });
  at::parallel_for(0, col_blocks, 1, [&](int64_t begin, int64_t end) {
    configureTiles();
    for (int64_t rb = 0; rb < row_blocks; ++rb)
      for (int64_t cb = begin; cb < end; ++cb) product(parts + rb * block_values, rb, cb);
    releaseTiles();
  });
}

#pragma GCC diagnostic pop

#else  // no AMX intrinsics on this compiler or CPU architecture

bool SplitBf16Product::available() { return false; }

SplitBf16Product::SplitBf16Product(const at::Tensor& wt) : k_(wt.size(0)), n_(wt.size(1)), k_steps_(0) {
  throw Error("fast path: no AMX split-bfloat16 kernel in this build");
}

at::Tensor SplitBf16Product::plain() const { return at::Tensor(); }

void SplitBf16Product::run(const float*, int64_t, const float*, float*, Output) const {}

#endif

// Per product (2 threads, eight copies of the weights cycled as a forward reads them, against the
// float32 kernel Linear picks otherwise): RevCol-T at 224 x 224, level 0's pwconv1 (3136 x 64 x
// 256, GELU) 1.34x, level 1's pwconv1 1.34x and pwconv2 (784 x 512 x 128) 1.17x; level 0's pwconv2
// (3136 x 256 x 64) 0.94x: splitting 256 inputs per row for 64 outputs costs more than the tiles
// save. Level 2 (196 rows) 0.82-1.01x and level 3 (49 rows) 0.71-0.80x: their weights come from
// memory on every forward, and their parts are 1.5x float32's bytes (level 2 with the threads
// splitting the rows instead: 0.99-1.04x per product, 0.94-0.96x per forward). Whole forwards,
// alternating with the float32 kernels: 1.026-1.042x.
bool SplitBf16Product::worthIt(int64_t rows, int64_t inputs, int64_t outputs) {
  (void)inputs;
  return available() && rows > kMaxColumnRows && outputs >= 128;
}

}  // namespace revcol::fast
