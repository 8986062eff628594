// The AMX split-bfloat16 product kernel (nn/split_bf16_product.h) against float64 products, and
// Linear switching to it and away from it (nn/onednn.h). On a CPU without AMX the kernel refuses
// to be built and Linear never picks it; the rest of the suite then runs the other kernels.
#include "nn/cpu_runtime.h"
#include "nn/fast_gelu.h"
#include "nn/onednn.h"
#include "nn/split_bf16_product.h"

#include <torch/torch.h>

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "relative_l2.h"

namespace revcol::fast {
namespace {

using Output = SplitBf16Product::Output;

at::Tensor runProduct(const SplitBf16Product& product, const at::Tensor& x, const at::Tensor& bias, Output output,
                      at::Tensor out) {
  product.run(x.data_ptr<float>(), x.size(0), bias.data_ptr<float>(), out.data_ptr<float>(), output);
  return out;
}

TEST(SplitBf16Product, RefusedWithoutAmx) {
  if (SplitBf16Product::available()) GTEST_SKIP() << "this CPU has AMX: the kernel is built (the other tests)";
  EXPECT_ANY_THROW(SplitBf16Product(at::randn({8, 32})));
  EXPECT_FALSE(SplitBf16Product::worthIt(3136, 64, 256));
}

// The three bfloat16 parts of each weight add up to it exactly, for magnitudes from 1e-25 to 1e30
// and either sign. (Under ~2^-100, 8e-31, the low part would be a denormal, which the conversion
// flushes: a weight that small is off by less than 2^-126.)
TEST(SplitBf16Product, PartsAddUpToTheWeightsExactly) {
  if (!SplitBf16Product::available()) GTEST_SKIP() << "no AMX-BF16 on this CPU";
  torch::manual_seed(1);
  for (auto shape : {std::vector<int64_t>{1, 1}, {33, 17}, {64, 256}, {100, 70}}) {
    const auto magnitude = at::pow(10.0, at::rand(shape) * 55 - 25).to(at::kFloat);
    const auto wt = at::randn(shape) * magnitude;
    EXPECT_TRUE(at::equal(SplitBf16Product(wt).plain(), wt)) << shape[0] << " x " << shape[1];
  }
}

// Row counts around the 32-row blocks and the 256 rows where the threads switch from splitting
// the columns to splitting the rows; inputs around the 32-wide K steps (zero-padded); outputs
// around the 32-column blocks; stored, accumulated and stored after the GELU. Float32's own
// product of these shapes is ~1e-7 from float64: the parts' six products must be as close.
TEST(SplitBf16Product, EveryShapeMatchesAFloat64Product) {
  if (!SplitBf16Product::available()) GTEST_SKIP() << "no AMX-BF16 on this CPU";
  configureCpuThreads(2);
  torch::manual_seed(2);
  for (int64_t k : {1, 31, 33, 256})
    for (int64_t n : {1, 17, 32, 100}) {
      const auto wt = at::randn({k, n}), bias = at::randn({n});
      const SplitBf16Product product(wt);
      for (int64_t rows : {1, 15, 16, 33, 64, 255, 256, 257, 300}) {
        const std::string where = "k " + std::to_string(k) + " n " + std::to_string(n) + " rows " + std::to_string(rows);
        const auto x = at::randn({rows, k}) / std::sqrt(double(k));  // outputs ~N(0, 2): GELU's curve, not 0
        const auto want = at::addmm(bias.to(at::kDouble), x.to(at::kDouble), wt.to(at::kDouble));
        const auto nan = at::full({rows, n}, std::nanf(""));
        EXPECT_LT(relL2(runProduct(product, x, bias, Output::Store, nan.clone()), want), 1e-6) << where;
        const auto residual = at::randn({rows, n});
        EXPECT_LT(relL2(runProduct(product, x, bias, Output::Accumulate, residual.clone()),
                        residual.to(at::kDouble) + want),
                  1e-6)
            << "accumulate, " << where;
        // The GELU in the stores is fast_gelu's polynomial on the very sums Store writes.
        at::Tensor gelu_of_stored = runProduct(product, x, bias, Output::Store, nan.clone());
        geluInPlace(gelu_of_stored);
        EXPECT_TRUE(at::equal(runProduct(product, x, bias, Output::Gelu, nan.clone()), gelu_of_stored))
            << "GELU, " << where;
      }
    }
}

// On RevCol's widths the parts' products sit nearer float64 than float32's own product does.
TEST(SplitBf16Product, NearerFloat64ThanAFloat32Product) {
  if (!SplitBf16Product::available()) GTEST_SKIP() << "no AMX-BF16 on this CPU";
  configureCpuThreads(2);
  torch::manual_seed(3);
  for (auto [rows, k, n] : {std::array<int64_t, 3>{3136, 64, 256}, {784, 512, 128}, {300, 1024, 256}}) {
    const auto wt = at::randn({k, n}) * 0.05, x = at::randn({rows, k}), bias = at::zeros({n});
    const auto want = at::mm(x.to(at::kDouble), wt.to(at::kDouble));
    const double split = relL2(runProduct(SplitBf16Product(wt), x, bias, Output::Store, at::empty({rows, n})), want);
    const double float32 = relL2(at::mm(x, wt), want);
    EXPECT_LT(split, float32) << rows << " x " << k << " x " << n;
    EXPECT_GT(split, 0.0);  // it is not float64 either: the comparison measures something
  }
}

// Each output block is summed by one thread in a fixed order: any thread count, the same bits.
TEST(SplitBf16Product, SameFiguresOnAnyThreadCount) {
  if (!SplitBf16Product::available()) GTEST_SKIP() << "no AMX-BF16 on this CPU";
  torch::manual_seed(4);
  const auto wt = at::randn({200, 96}), bias = at::randn({96});
  const SplitBf16Product product(wt);
  for (int64_t rows : {100, 700}) {
    const auto x = at::randn({rows, 200});
    configureCpuThreads(1);
    const auto one = runProduct(product, x, bias, Output::Gelu, at::empty({rows, 96}));
    for (int threads : {2, 3}) {
      configureCpuThreads(threads);
      EXPECT_TRUE(at::equal(runProduct(product, x, bias, Output::Gelu, at::empty({rows, 96})), one))
          << rows << " rows, " << threads << " threads";
    }
  }
  configureCpuThreads(2);
}

// The MLP in one pass: over 256 rows (each thread its own row blocks) the very bits of its two
// products run one after the other (the same sums, the same GELU, the same parts of the hidden
// map); up to 256 rows (the hidden units in fixed shares, summed apart) the same bits on any thread
// count; both within float32's reach of float64. Hidden widths in whole and partial 32-column
// blocks, inputs not a multiple of 32, row counts around the blocks.
TEST(SplitBf16Product, MlpInOnePassEqualsItsTwoProducts) {
  if (!SplitBf16Product::available()) GTEST_SKIP() << "no AMX-BF16 on this CPU";
  torch::manual_seed(6);
  for (auto [k, hidden] : {std::array<int64_t, 2>{64, 256}, {40, 100}, {128, 512}}) {
    const auto w1 = at::randn({k, hidden}) / std::sqrt(double(k)), b1 = at::randn({hidden});
    const auto w2 = at::randn({hidden, k}) / std::sqrt(double(hidden)), b2 = at::randn({k});
    const SplitBf16Product first(w1), second(w2);
    for (int64_t rows : {1, 33, 256, 300, 701}) {
      const auto x = at::randn({rows, k}), residual = at::randn({rows, k});
      const auto want = residual.to(at::kDouble) +
                        at::addmm(b2.to(at::kDouble),
                                  at::gelu(at::addmm(b1.to(at::kDouble), x.to(at::kDouble), w1.to(at::kDouble))),
                                  w2.to(at::kDouble));
      at::Tensor on_one_thread;
      for (int threads : {1, 2, 3}) {
        configureCpuThreads(threads);
        const std::string where = "k " + std::to_string(k) + " hidden " + std::to_string(hidden) + " rows " +
                                  std::to_string(rows) + " threads " + std::to_string(threads);
        auto one = residual.clone();
        SplitBf16Product::mlp(first, b1.data_ptr<float>(), second, b2.data_ptr<float>(), x.data_ptr<float>(), rows,
                              one.data_ptr<float>());
        EXPECT_LT(relL2(one, want), 1e-6) << where;
        if (threads == 1) on_one_thread = one;
        EXPECT_TRUE(at::equal(one, on_one_thread)) << where;
        if (rows > 256) {
          auto two = residual.clone();
          const auto h = runProduct(first, x, b1, Output::Gelu, at::empty({rows, hidden}));
          runProduct(second, h, b2, Output::Accumulate, two);
          EXPECT_TRUE(at::equal(one, two)) << "two products, " << where;
        }
      }
    }
  }
  configureCpuThreads(2);
  EXPECT_ANY_THROW(SplitBf16Product::mlp(SplitBf16Product(at::randn({8, 64})), nullptr,
                                         SplitBf16Product(at::randn({32, 8})), nullptr, nullptr, 1, nullptr));
}

// Linear runs a block's MLP in one pass only where the split kernel takes it (over 64 rows with
// these small weights by default, any rows when sent there) and only for pwconv1's FastGelu then
// pwconv2's Accumulate.
TEST(SplitBf16Product, LinearRunsTheMlpInOnePassWhereTheKernelTakesIt) {
  if (!SplitBf16Product::available()) GTEST_SKIP() << "no AMX-BF16 on this CPU";
  configureCpuThreads(2);
  torch::manual_seed(7);
  const auto w1 = at::randn({64, 256}) * 0.1, b1 = at::randn({256}), w2 = at::randn({256, 64}) * 0.05,
             b2 = at::randn({64});
  const Linear pwconv1(w1, b1, Linear::Epilogue::FastGelu), pwconv2(w2, b2, Linear::Epilogue::Accumulate);
  const auto reference = [&](const at::Tensor& x, const at::Tensor& residual) {
    return residual.to(at::kDouble) +
           at::addmm(b2.to(at::kDouble), at::gelu(at::addmm(b1.to(at::kDouble), x.to(at::kDouble), w1.to(at::kDouble))),
                     w2.to(at::kDouble));
  };
  struct Case {
    ProductKernels kernels;
    int64_t rows;
    bool one_pass;
  };
  for (const Case& c : {Case{ProductKernels::ByShape, 300, true}, Case{ProductKernels::ByShape, 200, true},
                        Case{ProductKernels::ByShape, 49, false},
                        Case{ProductKernels::SplitBf16WherePossible, 49, true},
                        Case{ProductKernels::ByShapeWithoutAmx, 300, false}, Case{ProductKernels::OneDnnOnly, 300, false},
                        Case{ProductKernels::SmallRowsWherePossible, 49, false}}) {
    ProductKernelsOverride choice(c.kernels);
    const auto x = at::randn({c.rows, 64}), residual = at::randn({c.rows, 64});
    auto out = residual.clone();
    ASSERT_EQ(Linear::mlpInOnePass(pwconv1, pwconv2, x, out), c.one_pass) << int(c.kernels) << ", " << c.rows;
    if (c.one_pass) EXPECT_LT(relL2(out, reference(x, residual)), 1e-6) << int(c.kernels) << ", " << c.rows;
    else EXPECT_TRUE(at::equal(out, residual)) << "untouched, " << int(c.kernels) << ", " << c.rows;
  }
  // Not a GELU MLP: pwconv1 without FastGelu, or the two products in the wrong order.
  const Linear plain1(w1, b1, Linear::Epilogue::None);
  auto out = at::randn({300, 64});
  EXPECT_FALSE(Linear::mlpInOnePass(plain1, pwconv2, at::randn({300, 64}), out));
  auto wide = at::randn({300, 256});
  EXPECT_FALSE(Linear::mlpInOnePass(pwconv2, pwconv1, at::randn({300, 256}), wide));
}

// The default, RevCol-T at 224 x 224 unless said: the MLPs in one pass at levels 0-2 (over 256
// rows while both weight matrices' parts stay in L2; 65-256 rows up to 3 MiB of parts per
// product), not at level 3 (49 rows, 6 MiB of parts per product from memory) nor at levels 2 and 3
// at 800 x 1216 (thousands of rows: every row block would read megabytes of parts). Single
// products of over 256 rows with at least 128 outputs and small weights (level 1's Fusion.down);
// level 0's pwconv2 alone (64 outputs: splitting its 256 inputs costs more than
// the tiles save) stays on oneDNN. Measured per product and in alternating forwards (see
// split_bf16_product.cpp).
TEST(SplitBf16Product, TakesTheMlpsOfLevelsZeroToTwo) {
  if (!SplitBf16Product::available()) GTEST_SKIP() << "no AMX-BF16 on this CPU";
  EXPECT_TRUE(SplitBf16Product::mlpWorthIt(3136, 64, 256));
  EXPECT_TRUE(SplitBf16Product::mlpWorthIt(784, 128, 512));
  EXPECT_TRUE(SplitBf16Product::mlpWorthIt(196, 256, 1024));
  EXPECT_TRUE(SplitBf16Product::mlpWorthIt(196, 288, 1152));    // RevCol-B's level 2
  EXPECT_FALSE(SplitBf16Product::mlpWorthIt(49, 512, 2048));
  EXPECT_FALSE(SplitBf16Product::mlpWorthIt(3800, 256, 1024));  // level 2 at 800 x 1216
  EXPECT_FALSE(SplitBf16Product::mlpWorthIt(950, 512, 2048));   // level 3 at 800 x 1216
  EXPECT_TRUE(SplitBf16Product::worthIt(3136, 64, 256));
  EXPECT_FALSE(SplitBf16Product::worthIt(3136, 256, 64));
  EXPECT_TRUE(SplitBf16Product::worthIt(784, 128, 512));
  EXPECT_TRUE(SplitBf16Product::worthIt(784, 256, 128));        // level 1's Fusion.down
  EXPECT_FALSE(SplitBf16Product::worthIt(196, 256, 1024));
  EXPECT_FALSE(SplitBf16Product::worthIt(3800, 256, 1024));
  EXPECT_FALSE(SplitBf16Product::worthIt(49, 2048, 512));
}

// One Linear moves between the split kernel and the others by row count (its parts give back the
// exact weights for the other kernels' forms), with every epilogue, and under the override that
// sends every product of every shape to it.
TEST(SplitBf16Product, LinearSwitchesToItAndBack) {
  if (!SplitBf16Product::available()) GTEST_SKIP() << "no AMX-BF16 on this CPU";
  configureCpuThreads(2);
  torch::manual_seed(5);
  const auto wt = at::randn({256, 512}) * 0.05, bias = at::randn({512});
  for (auto kernels : {ProductKernels::ByShape, ProductKernels::SplitBf16WherePossible})
    for (auto epilogue : {Linear::Epilogue::None, Linear::Epilogue::Accumulate, Linear::Epilogue::FastGelu}) {
      const Linear product(wt, bias, epilogue);
      ProductKernelsOverride choice(kernels);
      for (int64_t rows : {49, 300, 100, 600, 49, 300}) {
        const auto x = at::randn({rows, 256});
        auto want = at::addmm(bias.to(at::kDouble), x.to(at::kDouble), wt.to(at::kDouble));
        if (epilogue == Linear::Epilogue::FastGelu) want = at::gelu(want);
        auto out = at::zeros({rows, 512});  // Accumulate adds to 0
        product.into(x, out);
        EXPECT_LT(relL2(out, want), 1e-6) << "rows " << rows << " kernels " << int(kernels);
      }
    }
}

}  // namespace
}  // namespace revcol::fast
