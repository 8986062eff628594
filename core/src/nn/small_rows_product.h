#pragma once
// Float32 products with few rows and large weights, as level 3 of RevCol-T at 224 x 224: 49 rows
// times 512 x 2048 and 2048 x 512 matrices. Each 4 MiB weight matrix serves only 49 rows and comes
// from memory on every forward (the model's ~120 MiB of weights do not stay in cache between
// forwards); oneDNN's matmul loads and multiplies in turn. This kernel keeps the weights in panels
// of 32 output columns and prefetches the next panel while it multiplies the current one, so the
// load overlaps the arithmetic. AVX-512 only (Linear uses oneDNN elsewhere).
#include <ATen/ATen.h>

namespace revcol::fast {

class SmallRowsProduct {
 public:
  static constexpr int64_t kMaxRows = 64;
  static constexpr int64_t kPanel = 32;  // output columns per panel of packed weights

  // The CPU runs AVX-512F (then any product: the last panel of a width that is not a multiple of
  // 32 is zero-padded).
  static bool available();
  // Where it pays: weights larger than the 1 MiB that stays in a core's L2 between products
  // (RevCol-T at 224 x 224: level 3's MLPs and Fusion.down, the classification heads; below that,
  // oneDNN's matmul is as fast).
  static bool worthIt(int64_t inputs, int64_t outputs) { return inputs * outputs > (int64_t{1} << 18); }

  explicit SmallRowsProduct(const at::Tensor& wt);  // K x N float32 (inputs x outputs)

  // out (rows x N, row-major) = x (rows x K, row-major) @ W + bias (N), or out += that when
  // `accumulate`. 1 <= rows <= kMaxRows. The panels are split over the intra-op threads.
  void run(const float* x, int64_t rows, const float* bias, float* out, bool accumulate) const;

  at::Tensor plain() const;  // W again, K x N

 private:
  int64_t k_, n_;
  at::Tensor panels_;  // ceil(N / kPanel) panels, each K x kPanel
};

}  // namespace revcol::fast
