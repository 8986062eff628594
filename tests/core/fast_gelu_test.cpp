// The fast path's GELU pass (nn/fast_gelu.h) against erf GELU in float64: the whole range at fine
// steps, every tail length of the vector loop, the thread split, and the values at the edges.
#include "nn/cpu_runtime.h"
#include "nn/fast_gelu.h"

#include <torch/torch.h>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace revcol::fast {
namespace {

double maxAbsError(const at::Tensor& got, const at::Tensor& x) {
  return (got.to(at::kDouble) - at::gelu(x.to(at::kDouble))).abs().max().item<double>();
}

TEST(GeluPass, MatchesErfGeluInFloat64AcrossTheRange) {
  configureCpuThreads(2);
  // 4 M points over [-12, 12]: every polynomial piece, both signs, the cut at 6 and past it.
  auto x = at::linspace(-12, 12, 4000001, at::kFloat);
  auto y = x.clone();
  geluInPlace(y);
  const double ours = maxAbsError(y, x);
  // libtorch's own float32 GELU, for scale: the pass must be no less exact.
  const double libtorch = maxAbsError(at::gelu(x), x);
  std::printf("GELU pass max |error| %.3g (libtorch float32 %.3g)%s\n", ours, libtorch,
              geluPassAvailable() ? "" : ", no AVX-512: at::gelu_");
  if (geluPassAvailable()) {
    EXPECT_LT(ours, 3e-7);
    EXPECT_LE(ours, libtorch);
  } else {
    EXPECT_EQ(ours, libtorch);  // the fallback is libtorch's GELU
  }
  // Relative to the value where GELU is large: the x >= 0 branch is x - x * Phi(-x).
  auto big = at::linspace(1, 1000, 10001, at::kFloat), gb = big.clone();
  geluInPlace(gb);
  EXPECT_LT(((gb.to(at::kDouble) - at::gelu(big.to(at::kDouble))) / big.to(at::kDouble)).abs().max().item<double>(),
            2e-7);
}

TEST(GeluPass, EveryTailLengthAndEveryThreadSplitGivesTheSameValues) {
  torch::manual_seed(4);
  auto x = at::randn({3 * 4096 + 37}) * 3;
  configureCpuThreads(1);
  auto one = x.clone();
  geluInPlace(one);
  configureCpuThreads(2);
  auto two = x.clone();
  geluInPlace(two);
  EXPECT_TRUE(at::equal(one, two));    // elementwise: the split cannot change a value
  for (int64_t n = 1; n <= 33; ++n) {  // the masked tail of the 16-wide loop, past the end untouched
    auto buffer = x.narrow(0, 0, 40).clone();
    auto head = buffer.narrow(0, 0, n);
    geluInPlace(head);
    // libtorch's GELU, the fallback, computes a vector's tail in scalar code, which differs from its
    // vector code by up to 1.7e-7: the two agree within libtorch's own error (3.8e-7).
    if (geluPassAvailable()) {
      EXPECT_TRUE(at::equal(head, one.narrow(0, 0, n))) << n;
    } else {
      EXPECT_TRUE(at::allclose(head, one.narrow(0, 0, n), 0, 4e-7)) << n;
    }
    EXPECT_TRUE(at::equal(buffer.narrow(0, n, 40 - n), x.narrow(0, n, 40 - n))) << n;
  }
}

TEST(GeluPass, EdgeValues) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  auto x = at::tensor({0.0f, -0.0f, inf, -inf, nan, 6.0f, -6.0f, 1e-30f, -1e-30f, 3e38f, -3e38f});
  geluInPlace(x);
  auto v = x.accessor<float, 1>();
  EXPECT_EQ(v[0], 0.0f);
  EXPECT_EQ(v[1], 0.0f);
  EXPECT_EQ(v[2], inf);
  // The limit of x Phi(x); libtorch's x * 0.5 * (1 + erf), the fallback without AVX-512, gives NaN.
  if (geluPassAvailable()) {
    EXPECT_EQ(v[3], 0.0f);
  }
  EXPECT_TRUE(std::isnan(v[4]));
  EXPECT_NEAR(v[5], 6.0 * 0.5 * std::erfc(-6.0 / std::sqrt(2.0)), 1e-6);
  EXPECT_NEAR(v[6], -6.0 * 0.5 * std::erfc(6.0 / std::sqrt(2.0)), 1e-8);
  EXPECT_NEAR(v[7], 0.5e-30f, 1e-37f);
  EXPECT_EQ(v[9], 3e38f);
  EXPECT_EQ(v[10], 0.0f);
}

TEST(GeluPass, NonContiguousOrNonFloatFallsBackToLibtorch) {
  auto x = at::randn({8, 6}).t();  // not contiguous
  auto want = at::gelu(x);
  geluInPlace(x);
  EXPECT_TRUE(at::allclose(x, want, 0, 1e-6));
  auto d = at::randn({20}, at::kDouble), dw = at::gelu(d);
  geluInPlace(d);
  EXPECT_TRUE(at::equal(d, dw));
}

}  // namespace
}  // namespace revcol::fast
