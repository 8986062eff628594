// The small-rows product kernel (nn/small_rows_product.h) against float64 products, and Linear
// switching between it and oneDNN's matmul by row count (nn/onednn.h).
#include "nn/cpu_runtime.h"
#include "nn/onednn.h"
#include "nn/small_rows_product.h"

#include <torch/torch.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "relative_l2.h"

namespace revcol::fast {
namespace {

// Every row count up to 64 (whole 14-row tiles and every remainder: the threads split the panels)
// and row counts above it to 256 (the threads split the row tiles, unevenly on three threads),
// inputs from 1 to 512, one and three whole panels and outputs that end in a partial panel (7: one,
// 1000: 31 and 8 columns), stored, accumulated and stored after the GELU, on two threads (and on
// one and three for a sample of row counts).
TEST(SmallRowsProduct, EveryRowCountMatchesAFloat64Product) {
  using Output = SmallRowsProduct::Output;
  if (!SmallRowsProduct::available()) {  // no AVX-512F: the kernel refuses, Linear keeps oneDNN
    EXPECT_ANY_THROW(SmallRowsProduct(at::randn({8, 32})));
    return;
  }
  torch::manual_seed(4);
  std::vector<int64_t> row_counts;
  for (int64_t rows = 1; rows <= SmallRowsProduct::kPanelSplitRows; ++rows) row_counts.push_back(rows);
  for (int64_t rows : {65, 69, 84, 98, 111, 112, 113, 196, 255, 256}) row_counts.push_back(rows);
  ASSERT_EQ(row_counts.back(), SmallRowsProduct::kMaxRows);
  for (int64_t k : {1, 37, 512})
    for (int64_t n : {32, 96, 7, 1000}) {
      const auto wt = at::randn({k, n}), bias = at::randn({n});
      const SmallRowsProduct product(wt);
      EXPECT_TRUE(at::equal(product.plain(), wt));
      for (int64_t rows : row_counts) {
        const auto x = at::randn({rows, k});
        const auto want = at::addmm(bias.to(at::kDouble), x.to(at::kDouble), wt.to(at::kDouble));
        const auto residual = at::randn({rows, n});
        for (int threads : {1, 2, 3}) {
          if (threads != 2 && rows % 7 != 0 && rows < SmallRowsProduct::kMaxRows) continue;  // time: a sample
          configureCpuThreads(threads);
          const std::string where = "k " + std::to_string(k) + " n " + std::to_string(n) + " rows " +
                                    std::to_string(rows) + " threads " + std::to_string(threads);
          auto out = at::full({rows, n}, std::nanf(""));
          product.run(x.data_ptr<float>(), rows, bias.data_ptr<float>(), out.data_ptr<float>(), Output::Store);
          EXPECT_LT(relL2(out, want), 1e-6) << where;
          auto sum = residual.clone();
          product.run(x.data_ptr<float>(), rows, bias.data_ptr<float>(), sum.data_ptr<float>(), Output::Accumulate);
          EXPECT_LT(relL2(sum, residual.to(at::kDouble) + want), 1e-6) << "accumulate, " << where;
          auto gelu = at::full({rows, n}, std::nanf(""));
          product.run(x.data_ptr<float>(), rows, bias.data_ptr<float>(), gelu.data_ptr<float>(), Output::Gelu);
          EXPECT_LT(relL2(gelu, at::gelu(want)), 1e-6) << "GELU, " << where;
          // Prefetching the next product's first panel (here: its own) changes no value.
          auto again = at::full({rows, n}, std::nanf(""));
          product.run(x.data_ptr<float>(), rows, bias.data_ptr<float>(), again.data_ptr<float>(), Output::Store,
                      &product);
          EXPECT_TRUE(at::equal(again, out)) << "then, " << where;
        }
      }
    }
  configureCpuThreads(2);
  // Weights that start off any 64-byte boundary (a view into a larger tensor) are read as their
  // values.
  const auto storage = at::randn({3 + 40 * 32});
  const auto offset = storage.narrow(0, 3, 40 * 32).view({40, 32});
  const SmallRowsProduct one_panel(offset);
  for (int64_t rows : {9, 100}) {
    const auto x = at::randn({rows, 40});
    auto y = at::empty({rows, 32});
    one_panel.run(x.data_ptr<float>(), rows, at::zeros({32}).data_ptr<float>(), y.data_ptr<float>(), Output::Store);
    EXPECT_LT(relL2(y, at::mm(x.to(at::kDouble), offset.to(at::kDouble))), 1e-6) << rows << " rows";
  }

  const SmallRowsProduct product(at::randn({8, 32}));
  const int64_t too_many = SmallRowsProduct::kMaxRows + 1;
  auto x = at::randn({too_many, 8}), out = at::empty({too_many, 32});
  EXPECT_ANY_THROW(product.run(x.data_ptr<float>(), too_many, at::zeros({32}).data_ptr<float>(), out.data_ptr<float>(),
                               Output::Store));
}

// A product prefetching the next one's first panel predicts where each thread starts it: the same
// ranges as at::parallel_for hands out over the panels (up to 64 rows), panel 0 for every thread
// when the threads split the rows.
TEST(SmallRowsProduct, FirstPanelOfEachThreadIsWhereParallelForStartsIt) {
  if (!SmallRowsProduct::available()) GTEST_SKIP() << "no AVX-512F: no small-rows kernel";
  for (int64_t n : {32, 7 * 32, 16 * 32, 64 * 32}) {
    const int64_t k = 8, count = n / SmallRowsProduct::kPanel;
    const SmallRowsProduct product(at::randn({k, n}));
    for (int threads : {1, 2, 3}) {
      configureCpuThreads(threads);
      const int64_t team = at::get_num_threads();
      const float* base = product.firstPanelFor(49, team, 0);
      std::vector<int64_t> starts(size_t(team), -1);
      at::parallel_for(0, count, 1, [&](int64_t begin, int64_t) { starts[size_t(at::get_thread_num())] = begin; });
      for (int64_t t = 0; t < team; ++t) {
        const float* first = product.firstPanelFor(49, team, t);
        const int64_t got = first ? (first - base) / (k * SmallRowsProduct::kPanel) : -1;
        EXPECT_EQ(got, starts[size_t(t)]) << "panels " << count << " thread " << t << " of " << team;
        EXPECT_EQ(product.firstPanelFor(196, team, t), base) << "rows split, thread " << t;
      }
    }
  }
}

// The default split of products between the kernels, by shape (RevCol-T at 224 x 224 unless said).
TEST(SmallRowsProduct, TakesLevelsTwoAndThreeOfRevColTAt224) {
  EXPECT_TRUE(SmallRowsProduct::worthIt(49, 512, 2048));    // level 3's MLP
  EXPECT_TRUE(SmallRowsProduct::worthIt(49, 1024, 512));    // level 3's Fusion.down
  EXPECT_TRUE(SmallRowsProduct::worthIt(1, 512, 1000));     // a classification head
  EXPECT_FALSE(SmallRowsProduct::worthIt(49, 512, 256));    // an Up product from level 3: 0.5 MiB
  EXPECT_TRUE(SmallRowsProduct::worthIt(196, 256, 1024));   // level 2's MLP
  EXPECT_TRUE(SmallRowsProduct::worthIt(196, 512, 256));    // level 2's Fusion.down
  EXPECT_TRUE(SmallRowsProduct::worthIt(196, 288, 1152));   // RevCol-B's level 2: 1.3 MiB
  EXPECT_FALSE(SmallRowsProduct::worthIt(196, 512, 2048));  // RevCol-L's level 2: 4 MiB
  EXPECT_FALSE(SmallRowsProduct::worthIt(784, 128, 512));   // level 1
  EXPECT_FALSE(SmallRowsProduct::worthIt(257, 256, 1024));  // past kMaxRows
}

// One Linear serves some products on the small-rows kernel and others on oneDNN, packing its
// weights for each from the other kernel's copy (the plain copy is gone), in either order, switching
// kernels three times by shape (the first switch drops the old form, later ones keep both): 49 rows
// go to the kernel only with the 2 MiB weights, 100 and 200 rows with either, 300 rows never. The
// overrides send them either way with the same figures, GELU included. (Without AVX-512F every product stays
// on oneDNN, whatever the override.)
TEST(SmallRowsProduct, LinearSwitchesKernelsByShapeInEitherOrder) {
  configureCpuThreads(2);
  torch::manual_seed(5);
  for (int64_t k : {1024, 512}) {
    const auto wt = at::randn({k, 512}) * 0.05, bias = at::randn({512});
    for (const auto& order :
         {std::vector<int64_t>{200, 300, 100, 49, 300}, std::vector<int64_t>{300, 49, 100, 300, 200}})
      for (auto epilogue : {Linear::Epilogue::None, Linear::Epilogue::Accumulate, Linear::Epilogue::FastGelu})
        for (auto kernels :
             {ProductKernels::ByShape, ProductKernels::OneDnnOnly, ProductKernels::SmallRowsWherePossible}) {
          const Linear product(wt, bias, epilogue);
          ProductKernelsOverride choice(kernels);
          for (int64_t rows : order) {
            const auto x = at::randn({rows, k});
            auto want = at::addmm(bias.to(at::kDouble), x.to(at::kDouble), wt.to(at::kDouble));
            if (epilogue == Linear::Epilogue::FastGelu) want = at::gelu(want);
            auto out = at::zeros({rows, 512});
            product.into(x, out);
            EXPECT_LT(relL2(out, want), 1e-6) << "k " << k << " rows " << rows << " kernels " << int(kernels);
          }
        }
  }
}

}  // namespace
}  // namespace revcol::fast
