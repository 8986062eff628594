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
// Shares of the hidden units in an MLP of up to kMaxColumnRows rows: fixed, so the figures do not
// depend on the thread count; two, this machine's cores (four: the same MLP time, forwards slower
// in one probe). A machine with more cores runs these MLPs on two of them.
constexpr int64_t kMlpShares = 2;

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

// 16 bfloat16 values back to float32 (exact: the high half of each float).
REVCOL_AMX_TARGET inline __m512 widen(__m256i b) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(b), 16));
}

// 16 floats into their three bfloat16 parts, each rounded to nearest even: exact (see the header).
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

// The bias, the GELU or the residual, and the stores of one 32 x 32 block's sums, a few vectors
// at a time between the tile products of the next block: the vector units are idle while the tile
// unit multiplies, and the tile unit would idle while they worked (level 0's pwconv1 spent 30 % of
// its time in the GELU stores after its blocks).
struct PendingStores {
  // Product outputs, and GeluParts: the GELU's results split into their bfloat16 parts, as the
  // input rows of the next product (the fused MLP's hidden map).
  enum class Kind { Store, Accumulate, Gelu, GeluParts };
  Kind kind = Kind::Store;
  const float* bias = nullptr;      // the block's first column's, or null: none
  float* out = nullptr;             // the block's first value in out (not GeluParts)
  int64_t n = 0;                    // out's row stride, or the parts' (GeluParts)
  uint16_t* parts = nullptr;        // GeluParts: the block's first column in the hi part
  int64_t rows = 0, cols = 0;       // the block's rows and columns to store
  int64_t valid_cols = 0;           // of them in the bias and out (GeluParts: to the hidden width)
  const float* sums = nullptr;      // the block's four 16 x 16 tiles: (0, 0), (0, 1), (1, 0), (1, 1)
  int64_t done = 0, total = 0;      // 16-float vectors (row, half) stored of rows x halves

  static Kind kindOf(SplitBf16Product::Output output) {
    using Output = SplitBf16Product::Output;
    return output == Output::Accumulate ? Kind::Accumulate : output == Output::Gelu ? Kind::Gelu : Kind::Store;
  }

  int64_t left() const { return total - done; }

  REVCOL_AMX_TARGET __attribute__((always_inline)) inline void advance(int64_t count) {
    count = std::min(count, total - done);
    if (count <= 0) return;
    __m512 gelu[10];
    if (kind == Kind::Gelu || kind == Kind::GeluParts) loadGeluCoefficients(gelu);
    const int64_t halves = cols > kTile ? 2 : 1;
    for (const int64_t end = done + count; done < end; ++done) {
      const int64_t r = done / halves, col = (done % halves) * kTile;
      const int64_t valid = valid_cols - col;
      const auto mask = static_cast<__mmask16>(valid >= 16 ? 0xffff : valid > 0 ? (1u << valid) - 1 : 0);
      __m512 v = _mm512_load_ps(sums + ((r / kTile) * 2 + col / kTile) * kTile * kTile + (r % kTile) * kTile);
      if (bias) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, bias + col));
      if (kind == Kind::Gelu || kind == Kind::GeluParts) v = gelu16(v, gelu);
      if (kind == Kind::GeluParts) {
        // All 16 values: past the hidden map's width they are GELU(0) = 0, the next product's padding.
        __m256i h, m, l;
        split16(v, h, m, l);
        uint16_t* at = parts + r * n + col;
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(at), h);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(at + kBlock * n), m);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(at + 2 * kBlock * n), l);
        continue;
      }
      float* o = out + r * n + col;
      if (kind == Kind::Accumulate) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, o));
      _mm512_mask_storeu_ps(o, mask, v);
    }
  }
};

// Cache lines [first, first + count) of two weight ranges a block prefetches into L2 while it
// multiplies (the next block's column tiles, from memory: a few rows share them across blocks).
struct Prefetch {
  const char *tile0 = nullptr, *tile1 = nullptr;
  int64_t first = 0, count = 0;
};

REVCOL_AMX_TARGET __attribute__((always_inline)) inline void prefetchSome(const Prefetch& p, int64_t& next,
                                                                        int64_t per_group) {
  for (const int64_t end = std::min(next + per_group, p.first + p.count); next < end; ++next) {
    _mm_prefetch(p.tile0 + next * 64, _MM_HINT_T1);
    _mm_prefetch(p.tile1 + next * 64, _MM_HINT_T1);
  }
}

// A group of four tile products, sums 0-3 += x tiles 4, 5 times W tiles 6, 7, then the next
// group's x parts (ThenX) or W parts (ThenW): each load is issued right after the two products
// that read its tile, so it overlaps the two still reading the other one (the tile registers are
// not renamed).
REVCOL_AMX_TARGET __attribute__((always_inline)) inline void productsThenX(const uint16_t* x, int64_t lower,
                                                                         int64_t stride) {
  _tile_dpbf16ps(0, 4, 6);
  _tile_dpbf16ps(1, 4, 7);
  _tile_loadd(4, x, stride);
  _tile_dpbf16ps(2, 5, 6);
  _tile_dpbf16ps(3, 5, 7);
  _tile_loadd(5, x + lower, stride);
}

REVCOL_AMX_TARGET __attribute__((always_inline)) inline void productsThenW(const uint16_t* w0, const uint16_t* w1) {
  _tile_dpbf16ps(0, 4, 6);
  _tile_dpbf16ps(2, 5, 6);
  _tile_loadd(6, w0, 64);
  _tile_dpbf16ps(1, 4, 7);
  _tile_dpbf16ps(3, 5, 7);
  _tile_loadd(7, w1, 64);
}

// One 32 x 32 block: rows [0, 32) of the split rows `a` (stride kp) times column tiles w0 and w1 of
// the packed weights, six part products per K step, into `sums` (4 x 256 floats). Between the
// groups of four tile products it does a share of `pending`'s stores (all of them by the end) and
// of the prefetch.
REVCOL_AMX_TARGET void block(const uint16_t* a, int64_t kp, const uint16_t* w0, const uint16_t* w1, int64_t steps,
                             PendingStores& pending, float* sums, const Prefetch& prefetch = Prefetch()) {
  const int64_t groups = 6 * steps;
  const int64_t stores_per_group = (pending.left() + groups - 1) / groups;
  const int64_t lines_per_group = (prefetch.count + groups - 1) / groups;
  int64_t next_line = prefetch.first;
  const auto between = [&]() REVCOL_AMX_TARGET {
    pending.advance(stores_per_group);
    if (prefetch.count) prefetchSome(prefetch, next_line, lines_per_group);
  };
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
    productsThenW(b0, b1);  // hi x lo, then W becomes hi
    between();
    productsThenW(b0 + kMid, b1 + kMid);  // hi x hi, then W becomes mid
    between();
    productsThenX(mid + c, lower, stride);  // hi x mid, then x becomes mid
    between();
    productsThenW(b0, b1);  // mid x mid, then W becomes hi
    between();
    productsThenX(lo + c, lower, stride);  // mid x hi, then x becomes lo
    between();
    // lo x hi, then the next step's hi x lo: both change
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
    between();
  }
  _tile_stored(0, sums, 64);
  _tile_stored(1, sums + 256, 64);
  _tile_stored(2, sums + 512, 64);
  _tile_stored(3, sums + 768, 64);
}

// A thread's run of blocks, each one's stores done during the next one's products.
class BlockRun {
 public:
  REVCOL_AMX_TARGET BlockRun() { configureTiles(); }
  REVCOL_AMX_TARGET ~BlockRun() {
    finish();
    _tile_release();
  }
  BlockRun(const BlockRun&) = delete;
  BlockRun& operator=(const BlockRun&) = delete;

  // The block of the split rows `a` times the column tiles w0, w1; `stores` says where its results
  // go (all but its sums and count, set here), done during the next block.
  REVCOL_AMX_TARGET void add(const uint16_t* a, int64_t kp, const uint16_t* w0, const uint16_t* w1, int64_t steps,
                             PendingStores stores, const Prefetch& prefetch = Prefetch()) {
    float* sums = sums_[which_];
    block(a, kp, w0, w1, steps, pending_, sums, prefetch);
    pending_.advance(pending_.left());  // a block of one K step leaves some
    stores.sums = sums;
    stores.done = 0;
    stores.total = stores.rows * (stores.cols > kTile ? 2 : 1);
    pending_ = stores;
    which_ ^= 1;
  }

  // The last block's stores, now (before its results are read).
  REVCOL_AMX_TARGET void finish() { pending_.advance(pending_.left()); }

 private:
  REVCOL_AMX_TARGET static void configureTiles() {
    static const TileConfig config;
    _tile_loadconfig(&config);
  }

  alignas(64) float sums_[2][4 * kTile * kTile];
  int which_ = 0;
  PendingStores pending_;
};

// The split rows of a product: per thread, reused from call to call (the heap keeps what it
// frees anyway, cpu_runtime.h).
uint16_t* scratch(size_t values, int slot = 0) {
  thread_local std::vector<uint16_t> parts[2];
  if (parts[slot].size() < values) parts[slot].resize(values);
  return parts[slot].data();
}

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
  const auto product = [&](BlockRun& blocks, const uint16_t* parts, int64_t rb, int64_t cb) {
    const uint16_t* w0 = packed + 2 * cb * tile_values;
    PendingStores stores;
    stores.kind = PendingStores::kindOf(output);
    stores.bias = bias + cb * kBlock;
    stores.out = out + rb * kBlock * n_ + cb * kBlock;
    stores.n = n_;
    stores.rows = std::min(kBlock, rows - rb * kBlock);
    stores.cols = stores.valid_cols = std::min(kBlock, n_ - cb * kBlock);
    blocks.add(parts, kp, w0, w0 + tile_values, k_steps_, stores);
  };
  if (rows > kMaxColumnRows) {
    // Each thread its own row blocks: it splits a block's rows (in L1) and multiplies them by all
    // of W (in L2 for RevCol's levels 0 and 1).
    at::parallel_for(0, row_blocks, 1, [&](int64_t begin, int64_t end) {
      uint16_t* parts = scratch(size_t(block_values));
      BlockRun blocks;
      for (int64_t rb = begin; rb < end; ++rb) {
        splitRows(x, rows, k_, kp, rb * kBlock, parts);
        for (int64_t cb = 0; cb < col_blocks; ++cb) product(blocks, parts, rb, cb);
      }
    });
    return;
  }
  // Few rows: the threads split the rows together, then each multiplies all of them by its own
  // column blocks, so each reads only its share of W (RevCol-T's level 3: 4 MiB of float32 per
  // product, from memory on every forward).
  uint16_t* parts = scratch(size_t(row_blocks * block_values));
  at::parallel_for(0, row_blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t rb = begin; rb < end; ++rb) splitRows(x, rows, k_, kp, rb * kBlock, parts + rb * block_values);
  });
  at::parallel_for(0, col_blocks, 1, [&](int64_t begin, int64_t end) {
    BlockRun blocks;
    for (int64_t rb = 0; rb < row_blocks; ++rb)
      for (int64_t cb = begin; cb < end; ++cb) product(blocks, parts + rb * block_values, rb, cb);
  });
}

namespace {

struct MlpShape {
  int64_t rows, row_blocks, kp1, kp2, hidden_blocks, out_blocks, tile_values1, tile_values2;
  const uint16_t *w1, *w2;
};

PendingStores hiddenStores(const MlpShape& m, const float* bias1, int64_t hidden_n, uint16_t* parts, int64_t stride,
                           int64_t cb) {
  PendingStores stores;
  stores.kind = PendingStores::Kind::GeluParts;
  stores.bias = bias1 + cb * kBlock;
  stores.parts = parts;
  stores.n = stride;
  stores.rows = kBlock;  // every row: the next product reads whole tiles
  stores.cols = kBlock;  // and whole K steps: past the hidden width, GELU(0 + no bias) = 0
  stores.valid_cols = std::min(kBlock, hidden_n - cb * kBlock);
  return stores;
}

}  // namespace

void SplitBf16Product::mlp(const SplitBf16Product& first, const float* bias1, const SplitBf16Product& second,
                           const float* bias2, const float* x, int64_t rows, float* residual) {
  if (first.n_ != second.k_) throw Error("fast path: the MLP's products do not chain");
  if (rows < 1) return;
  MlpShape m;
  m.rows = rows;
  m.row_blocks = (rows + kBlock - 1) / kBlock;
  m.kp1 = first.k_steps_ * kStep;
  m.kp2 = second.k_steps_ * kStep;  // the hidden width, padded to whole K steps (= 32-column blocks)
  m.hidden_blocks = m.kp2 / kBlock;
  m.out_blocks = (second.n_ + kBlock - 1) / kBlock;
  m.tile_values1 = first.k_steps_ * 3 * kTileValues;
  m.tile_values2 = second.k_steps_ * 3 * kTileValues;
  m.w1 = reinterpret_cast<const uint16_t*>(first.packed_.data_ptr<int16_t>());
  m.w2 = reinterpret_cast<const uint16_t*>(second.packed_.data_ptr<int16_t>());
  const int64_t n2 = second.n_;
  if (rows > kMaxColumnRows) {
    // Each thread its own row blocks, a block's hidden rows in L1 / L2 between the two products.
    at::parallel_for(0, m.row_blocks, 1, [&](int64_t begin, int64_t end) {
      uint16_t* input = scratch(size_t(3 * kBlock * m.kp1), 0);
      uint16_t* hidden = scratch(size_t(3 * kBlock * m.kp2), 1);
      BlockRun blocks;
      for (int64_t rb = begin; rb < end; ++rb) {
        splitRows(x, rows, first.k_, m.kp1, rb * kBlock, input);
        for (int64_t cb = 0; cb < m.hidden_blocks; ++cb) {
          const uint16_t* w = m.w1 + 2 * cb * m.tile_values1;
          blocks.add(input, m.kp1, w, w + m.tile_values1, first.k_steps_,
                     hiddenStores(m, bias1, first.n_, hidden + cb * kBlock, m.kp2, cb));
        }
        blocks.finish();
        for (int64_t cb = 0; cb < m.out_blocks; ++cb) {
          PendingStores stores;
          stores.kind = PendingStores::Kind::Accumulate;
          stores.bias = bias2 + cb * kBlock;
          stores.out = residual + rb * kBlock * n2 + cb * kBlock;
          stores.n = n2;
          stores.rows = std::min(kBlock, rows - rb * kBlock);
          stores.cols = stores.valid_cols = std::min(kBlock, n2 - cb * kBlock);
          const uint16_t* w = m.w2 + 2 * cb * m.tile_values2;
          blocks.add(hidden, m.kp2, w, w + m.tile_values2, second.k_steps_, stores);
        }
      }
    });
    return;
  }
  // Few rows (level 2): the hidden units go in kMlpShares fixed shares, each share's weights read
  // once (from memory on every forward: 3 MiB of parts per MLP at level 2), all rows multiplied by
  // them, and its part of the second product summed apart; the shares' sums are added to the
  // residual in their order afterwards. Fixed shares, not one per thread: the figures do not depend
  // on the thread count (an export resumed on another number of free cores writes the same bytes).
  uint16_t* input = scratch(size_t(m.row_blocks * 3 * kBlock * m.kp1), 0);
  at::parallel_for(0, m.row_blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t rb = begin; rb < end; ++rb)
      splitRows(x, rows, first.k_, m.kp1, rb * kBlock, input + rb * 3 * kBlock * m.kp1);
  });
  const int64_t shares = std::min(kMlpShares, m.hidden_blocks), out_values = m.row_blocks * kBlock * n2;
  thread_local std::vector<float> sums_of_shares;  // on the calling thread; written whole below
  if (sums_of_shares.size() < size_t(shares * out_values)) sums_of_shares.resize(size_t(shares * out_values));
  float* share_sums = sums_of_shares.data();
  at::parallel_for(0, shares, 1, [&](int64_t first_share, int64_t last_share) {
    BlockRun blocks;
    for (int64_t share = first_share; share < last_share; ++share) {
      // Hidden blocks [begin, end): the share's columns of the first product, its K steps of the second.
      const int64_t begin = m.hidden_blocks * share / shares, end = m.hidden_blocks * (share + 1) / shares;
      const int64_t kp = (end - begin) * kBlock;  // the share's hidden width
      uint16_t* hidden = scratch(size_t(m.row_blocks * 3 * kBlock * kp), 1);
      float* sum = share_sums + share * out_values;
      const auto first_tiles = [&](int64_t cb) { return m.w1 + 2 * cb * m.tile_values1; };
      const auto second_tiles = [&](int64_t cb) { return m.w2 + 2 * cb * m.tile_values2 + begin * 3 * kTileValues; };
      // The next column tiles, prefetched a part during each row block of the current ones.
      const auto prefetch = [&](const uint16_t* tile0, int64_t tile_values, int64_t bytes, int64_t rb) {
        const int64_t lines = bytes / 64;
        Prefetch p;
        p.tile0 = reinterpret_cast<const char*>(tile0);
        p.tile1 = reinterpret_cast<const char*>(tile0 + tile_values);
        p.first = lines * rb / m.row_blocks;
        p.count = lines * (rb + 1) / m.row_blocks - p.first;
        return p;
      };
      const int64_t first_bytes = first.k_steps_ * 3 * kTileValues * 2, second_bytes = kp / kStep * 3 * kTileValues * 2;
      for (int64_t cb = begin; cb < end; ++cb) {
        const uint16_t* w = first_tiles(cb);
        for (int64_t rb = 0; rb < m.row_blocks; ++rb)
          blocks.add(input + rb * 3 * kBlock * m.kp1, m.kp1, w, w + m.tile_values1, first.k_steps_,
                     hiddenStores(m, bias1, first.n_, hidden + rb * 3 * kBlock * kp + (cb - begin) * kBlock, kp, cb),
                     cb + 1 < end ? prefetch(first_tiles(cb + 1), m.tile_values1, first_bytes, rb)
                                  : prefetch(second_tiles(0), m.tile_values2, second_bytes, rb));
      }
      blocks.finish();
      for (int64_t cb = 0; cb < m.out_blocks; ++cb) {
        const uint16_t* w = second_tiles(cb);
        for (int64_t rb = 0; rb < m.row_blocks; ++rb) {
          PendingStores stores;
          // no bias: the shares are summed, bias2 added once after them
          stores.out = sum + rb * kBlock * n2 + cb * kBlock;
          stores.n = n2;
          stores.rows = kBlock;
          stores.cols = stores.valid_cols = std::min(kBlock, n2 - cb * kBlock);
          blocks.add(hidden + rb * 3 * kBlock * kp, kp, w, w + m.tile_values2, end - begin, stores,
                     cb + 1 < m.out_blocks ? prefetch(second_tiles(cb + 1), m.tile_values2, second_bytes, rb)
                                           : Prefetch());
        }
      }
      blocks.finish();  // the hidden parts are the next share's to overwrite
    }
  });
  at::parallel_for(0, rows, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      float* out = residual + r * n2;
      for (int64_t c = 0; c < n2; ++c) {
        float sum = 0.f;
        for (int64_t share = 0; share < shares; ++share) sum += share_sums[share * out_values + r * n2 + c];
        out[c] += sum + bias2[c];
      }
    }
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

void SplitBf16Product::mlp(const SplitBf16Product&, const float*, const SplitBf16Product&, const float*, const float*,
                           int64_t, float*) {}

#endif

// Single products, measured before the MLPs ran in one pass (2 threads, eight copies of the
// weights cycled as a forward reads them, against the float32 kernel Linear picks otherwise; its
// stores not yet interleaved with the next block): RevCol-T at 224 x 224, level 0's pwconv1 (3136 x 64 x
// 256, GELU) 1.34x, level 1's pwconv1 1.34x and pwconv2 (784 x 512 x 128) 1.17x; level 0's pwconv2
// (3136 x 256 x 64) 0.94x: splitting 256 inputs per row for 64 outputs costs more than the tiles
// save. Level 2 (196 rows) 0.82-1.01x and level 3 (49 rows) 0.71-0.80x: their weights come from
// memory on every forward, and their parts are 1.5x float32's bytes (level 2 with the threads
// splitting the rows instead: 0.99-1.04x per product, 0.94-0.96x per forward). Whole forwards,
// alternating with the float32 kernels: 1.026-1.042x. Products whose small weights stay in L2
// still take it (RevCol-T's level 1 Fusion.down at 224 x 224); the MLPs go through mlp().
//
// The MLP in one pass (mlp()): over 256 rows the threads take row blocks and each reads all of both
// weight matrices for every block, which pays while their parts stay in L2 (RevCol-T's levels 0 and 1:
// 64 x 256 and 128 x 512 weights, 96 and 384 KiB of parts); levels 2 and 3 at 800 x 1216 stay on
// the float32 kernels. From 65 to 256 rows the threads take shares of the hidden units, each reading
// its share of the weights once (RevCol-T's level 2 at 224 x 224: 1.5 MiB of parts per product). At
// level 3 (49 rows by 512 x 2048: 6 MiB of parts per product) the parts' 1.5x bytes from memory
// cost what the tiles save. Forwards of RevCol-T at 224 x 224, alternating with the float32
// kernels: levels 0 and 1 in one pass 1.060-1.077x, with level 2 too 1.102-1.113x, with level 3
// too 1.071-1.089x.
bool SplitBf16Product::mlpWorthIt(int64_t rows, int64_t inputs, int64_t hidden) {
  const int64_t weights = inputs * hidden;
  if (rows > kMaxColumnRows) return available() && weights <= (int64_t{1} << 17);
  return available() && rows > 64 && weights <= (int64_t{1} << 19);
}

bool SplitBf16Product::worthIt(int64_t rows, int64_t inputs, int64_t outputs) {
  return available() && rows > kMaxColumnRows && outputs >= 128 && inputs * outputs <= (int64_t{1} << 17);
}

}  // namespace revcol::fast
