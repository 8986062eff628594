#pragma once
// Float32 products with few rows, as levels 2 and 3 of RevCol-T at 224 x 224: 196 rows times
// 256 x 1024 and 1024 x 256 matrices, 49 rows times 512 x 2048 and 2048 x 512. The kernel keeps the
// weights in panels of 32 output columns and prefetches the next panel while it multiplies the
// current one, so the load overlaps the arithmetic. With up to 64 rows the threads split the panels:
// each 4 MiB weight matrix of level 3 serves only 49 rows and comes from memory on every forward (the
// model's ~120 MiB of weights do not stay in cache between forwards), and is read once. With more
// rows they split the rows: each thread reads all of the weights (up to 2 MiB, a core's L2 here) but
// only its own rows, so the LayerNorm's output, the hidden map and the residual of a level's blocks
// stay in the core that works on them (oneDNN's matmul split them between the cores). The kernel can
// apply the erf GELU (gelu_polynomial.h) to its results before it stores them, and prefetch the
// first panel of the product that runs next. AVX-512 only (Linear uses oneDNN elsewhere).
#include <ATen/ATen.h>

namespace revcol::fast {

class SmallRowsProduct {
 public:
  static constexpr int64_t kMaxRows = 256;
  static constexpr int64_t kPanelSplitRows = 64;  // up to this the threads split the panels, above it the rows
  static constexpr int64_t kPanel = 32;           // output columns per panel of packed weights

  // The CPU runs AVX-512F (then any product: the last panel of a width that is not a multiple of
  // 32 is zero-padded).
  static bool available();
  // Where it pays (measured with RevCol-T and -B in alternating forwards): up to 64 rows, weights
  // over 1 MiB (level 3 at 224 x 224: its MLPs and Fusion.down; the classification heads); 65-256
  // rows, weights up to 2 MiB (level 2). Elsewhere oneDNN's matmul is as fast or faster: many rows
  // (levels 0 and 1), small weights with few rows, and weights of 4 MiB over 196 rows (RevCol-L's
  // level 2, which both threads would stream).
  static bool worthIt(int64_t rows, int64_t inputs, int64_t outputs);

  explicit SmallRowsProduct(const at::Tensor& wt);  // K x N float32 (inputs x outputs)

  // out (rows x N, row-major) = x (rows x K, row-major) @ W + bias (N), stored, added to out
  // (Accumulate) or stored after the erf GELU (Gelu). 1 <= rows <= kMaxRows. The panels (up to
  // kPanelSplitRows rows) or the row tiles are split over the intra-op threads.
  enum class Output { Store, Accumulate, Gelu };
  // `then`: the product that runs next on the same rows; each thread prefetches the first panel
  // it will take of it while it multiplies its own last one.
  void run(const float* x, int64_t rows, const float* bias, float* out, Output output,
           const SmallRowsProduct* then = nullptr) const;

  at::Tensor plain() const;  // W again, K x N

  // Where thread `thread` of `threads` starts in run() over `rows` rows (what another product's
  // `then` prefetches): panel 0 when the threads split the rows; at::parallel_for's range start
  // when they split the panels, or null when that thread gets none.
  const float* firstPanelFor(int64_t rows, int64_t threads, int64_t thread) const;

 private:
  int64_t k_, n_;
  at::Tensor panels_;  // ceil(N / kPanel) panels, each K x kPanel
};

}  // namespace revcol::fast
