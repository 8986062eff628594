#pragma once
// Float32 matrix products on the AMX tile unit, to float32 accuracy. AMX multiplies bfloat16 (8
// significant bits) into float32 sums, ~15x the float32 AVX-512 rate of a core here. Each float32
// operand splits exactly into three bfloat16 parts, a = hi + mid + lo (round to nearest leaves at
// most 15 significant bits for a - hi and at most 7 for a - hi - mid, which bfloat16 holds), and
// a b is the sum of the six part products down to 2^-18 of it (hi hi, hi mid, mid hi, hi lo, lo hi,
// mid mid); the three dropped ones are below 2^-26, under float32's own rounding of a sum. The
// results sit nearer the float64 product than a plain float32 product's do (relative L2 about half
// of it on RevCol's shapes), at ~2x the products per second of the float32 kernels on one core.
// The weights are split and packed once; each product splits its input rows as it goes.
#include <ATen/ATen.h>

#include <cstdint>

namespace revcol::fast {

class SplitBf16Product {
 public:
  static constexpr int64_t kBlock = 32;  // output rows and columns per block of four 16 x 16 tiles

  // The CPU has AMX-BF16 and AVX-512 BF16, and the kernel let this process use the tile registers
  // (Linux's arch_prctl(ARCH_REQ_XCOMP_PERM), asked once).
  static bool available();
  // Where a single product is faster than on the float32 kernels (measured, see the .cpp): over 256
  // rows, at least 128 outputs and weights whose parts stay in L2 (up to 128 Ki values: RevCol-T's
  // level 1 Fusion.down at 224 x 224; its MLPs go through mlp()).
  static bool worthIt(int64_t rows, int64_t inputs, int64_t outputs);

  explicit SplitBf16Product(const at::Tensor& wt);  // K x N float32 (inputs x outputs)

  // out (rows x N, row-major) = x (rows x K, row-major) @ W + bias (N), stored, added to out
  // (Accumulate) or stored after the erf GELU (Gelu, gelu_polynomial.h). Over 256 rows the threads
  // split the row blocks, else the column blocks (each thread reads only its share of the weights).
  enum class Output { Store, Accumulate, Gelu };
  void run(const float* x, int64_t rows, const float* bias, float* out, Output output) const;

  // W again, K x N float32: exactly, but for weights under ~2^-100 in magnitude, whose low part
  // bfloat16 conversion flushes to 0 (an error under 2^-126).
  at::Tensor plain() const;

  // A ConvNeXt MLP in one pass: residual (rows x second's N) += second(GELU(first(x) + bias1)) +
  // bias2; first's outputs are second's inputs. The hidden rows go from first's stores straight into
  // the bfloat16 parts second multiplies, never to memory as float32, and are never split in a pass
  // of their own. Over 256 rows each thread takes its own 32-row blocks (bitwise the two products
  // run apart); up to 256 rows the hidden units go in two fixed shares, each share's weights read
  // once, and the shares' sums are added in a fixed order (the same bits on any thread count).
  // mlpWorthIt: RevCol-T's levels 0-2 at 224 x 224, levels 0 and 1 at 800 x 1216 (see the .cpp).
  static bool mlpWorthIt(int64_t rows, int64_t inputs, int64_t hidden);
  static void mlp(const SplitBf16Product& first, const float* bias1, const SplitBf16Product& second,
                  const float* bias2, const float* x, int64_t rows, float* residual);

  int64_t inputs() const { return k_; }
  int64_t outputs() const { return n_; }

 private:
  int64_t k_, n_;
  int64_t k_steps_;    // ceil(K / 32): K is zero-padded to whole tiles
  at::Tensor packed_;  // int16 (bfloat16 bits): column tile j, K step s, part p: 16 x 32 (VNNI pairs)
};

}  // namespace revcol::fast
