// The small-rows product kernel (nn/small_rows_product.h) against float64 products, and Linear
// switching between it and oneDNN's matmul by row count (nn/onednn.h).
#include "nn/cpu_runtime.h"
#include "nn/onednn.h"
#include "nn/small_rows_product.h"

#include <torch/torch.h>

#include <gtest/gtest.h>

#include "relative_l2.h"

namespace revcol::fast {
namespace {

// Every row count it takes (whole 14-row tiles and every remainder), inputs from 1 to 512, one and
// three whole panels and outputs that end in a partial panel (7: one, 1000: 31 and 8 columns), with
// and without accumulation, on one and two threads (the panels split).
TEST(SmallRowsProduct, EveryRowCountMatchesAFloat64Product) {
  if (!SmallRowsProduct::available()) {  // no AVX-512F: the kernel refuses, Linear keeps oneDNN
    EXPECT_ANY_THROW(SmallRowsProduct(at::randn({8, 32})));
    return;
  }
  torch::manual_seed(4);
  for (int threads : {1, 2}) {
    configureCpuThreads(threads);
    for (int64_t k : {1, 37, 512})
      for (int64_t n : {32, 96, 7, 1000}) {
        const auto wt = at::randn({k, n}), bias = at::randn({n});
        const SmallRowsProduct product(wt);
        EXPECT_TRUE(at::equal(product.plain(), wt));
        for (int64_t rows = 1; rows <= SmallRowsProduct::kMaxRows; ++rows) {
          const auto x = at::randn({rows, k});
          const auto want = at::addmm(bias.to(at::kDouble), x.to(at::kDouble), wt.to(at::kDouble));
          auto out = at::full({rows, n}, std::nanf(""));
          product.run(x.data_ptr<float>(), rows, bias.data_ptr<float>(), out.data_ptr<float>(), false);
          EXPECT_LT(relL2(out, want), 1e-6) << "k " << k << " n " << n << " rows " << rows;
          auto residual = at::randn({rows, n});
          const auto expected = residual.to(at::kDouble) + want;
          product.run(x.data_ptr<float>(), rows, bias.data_ptr<float>(), residual.data_ptr<float>(), true);
          EXPECT_LT(relL2(residual, expected), 1e-6) << "accumulate, k " << k << " n " << n << " rows " << rows;
        }
      }
  }
  // Weights that start off any 64-byte boundary (a view into a larger tensor) are read as their
  // values.
  const auto storage = at::randn({3 + 40 * 32});
  const auto offset = storage.narrow(0, 3, 40 * 32).view({40, 32});
  const SmallRowsProduct one_panel(offset);
  const auto x = at::randn({9, 40});
  auto y = at::empty({9, 32});
  one_panel.run(x.data_ptr<float>(), 9, at::zeros({32}).data_ptr<float>(), y.data_ptr<float>(), false);
  EXPECT_LT(relL2(y, at::mm(x.to(at::kDouble), offset.to(at::kDouble))), 1e-6);

  const SmallRowsProduct product(at::randn({8, 32}));
  auto too_many = at::randn({65, 8}), out = at::empty({65, 32});
  EXPECT_ANY_THROW(
      product.run(too_many.data_ptr<float>(), 65, at::zeros({32}).data_ptr<float>(), out.data_ptr<float>(), false));
}

// One Linear serves few rows on the small-rows kernel and many on oneDNN, packing its weights for
// each from the other kernel's copy (the plain copy is gone), in either order, switching kernels
// three times (the first switch drops the old form, later ones keep both). With
// weights of 1 MiB or less, few rows stay on oneDNN unless the small-rows kernel is asked for; the
// overrides send them either way with the same figures. (Without AVX-512F every product stays on
// oneDNN, whatever the override.)
TEST(SmallRowsProduct, LinearSwitchesKernelsByShapeInEitherOrder) {
  configureCpuThreads(2);
  torch::manual_seed(5);
  EXPECT_TRUE(SmallRowsProduct::worthIt(1024, 512));
  EXPECT_FALSE(SmallRowsProduct::worthIt(512, 512));
  for (int64_t k : {1024, 512}) {
    const auto wt = at::randn({k, 512}) * 0.05, bias = at::randn({512});
    for (const auto& order : {std::vector<int64_t>{49, 200, 7, 300}, std::vector<int64_t>{200, 49, 300, 7}})
      for (auto epilogue : {Linear::Epilogue::None, Linear::Epilogue::Accumulate})
        for (auto kernels :
             {ProductKernels::ByShape, ProductKernels::OneDnnOnly, ProductKernels::SmallRowsWherePossible}) {
          const Linear product(wt, bias, epilogue);
          ProductKernelsOverride choice(kernels);
          for (int64_t rows : order) {
            const auto x = at::randn({rows, k});
            const auto want = at::addmm(bias.to(at::kDouble), x.to(at::kDouble), wt.to(at::kDouble));
            auto out = at::zeros({rows, 512});
            product.into(x, out);
            EXPECT_LT(relL2(out, want), 1e-6) << "k " << k << " rows " << rows << " kernels " << int(kernels);
          }
        }
  }
}

}  // namespace
}  // namespace revcol::fast
