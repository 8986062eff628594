// The fast path's oneDNN operations (nn/onednn.h) against libtorch's own, in float64: every
// epilogue of the matrix product, several row counts through one object (primitives cached per
// shape, weights packed once), LayerNorm and the depthwise convolution at several sizes.
#include "nn/cpu_runtime.h"
#include "nn/onednn.h"

#include <torch/torch.h>

#include <gtest/gtest.h>

#include "relative_l2.h"

namespace revcol::fast {
namespace {

TEST(OneDnnLinear, EveryEpilogueMatchesLibtorchAtSeveralRowCounts) {
  configureCpuThreads(2);
  torch::manual_seed(1);
  const int64_t k = 48, n = 72;
  auto wt = at::randn({k, n}) * 0.2, bias = at::randn({n});
  Linear none(wt, bias, Linear::Epilogue::None), gelu(wt, bias, Linear::Epilogue::Gelu),
      accumulate(wt, bias, Linear::Epilogue::Accumulate);
  EXPECT_EQ(none.inputs(), k);
  EXPECT_EQ(none.outputs(), n);
  for (int64_t rows : {7, 3136, 7, 200}) {  // 7 again: a cached primitive
    auto x = at::randn({rows, k});
    auto want = at::addmm(bias.to(at::kDouble), x.to(at::kDouble), wt.to(at::kDouble));
    EXPECT_LT(relL2(none(x), want), 1e-6) << rows;
    EXPECT_LT(relL2(gelu(x), at::gelu(want)), 1e-6) << rows;
    auto residual = at::randn({rows, n});
    auto expected = residual.to(at::kDouble) + want;
    accumulate.into(x, residual);
    EXPECT_LT(relL2(residual, expected), 1e-6) << rows;
  }
}

TEST(OneDnnLinear, NonContiguousInputIsReadAsItsValues) {
  configureCpuThreads(1);
  auto wt = at::randn({16, 8}), bias = at::randn({8});
  Linear product(wt, bias, Linear::Epilogue::None);
  auto x = at::randn({16, 10}).t();  // 10 x 16, transposed strides
  EXPECT_LT(relL2(product(x), at::addmm(bias, x, wt)), 1e-6);
}

TEST(OneDnnOps, MismatchedShapesAreErrorsNotWildMemoryAccess) {
  Linear product(at::randn({16, 8}), at::randn({8}), Linear::Epilogue::None);
  auto x = at::randn({4, 16});
  auto too_small = at::empty({3, 8});
  EXPECT_ANY_THROW(product.into(x, too_small));
  auto wrong_type = at::empty({4, 8}, at::kBFloat16);  // half the bytes a float32 result needs
  EXPECT_ANY_THROW(product.into(x, wrong_type));
  EXPECT_ANY_THROW(LayerNorm(at::ones({8}), at::zeros({8}))(at::randn({2, 16})));
  EXPECT_ANY_THROW(DepthwiseConv(at::randn({8, 1, 3, 3}), at::zeros({8}))(at::randn({1, 5, 5, 16})));
}

TEST(OneDnnLinear, Bfloat16ProductStaysWithinItsPrecision) {
  configureCpuThreads(2);
  torch::manual_seed(2);
  auto wt = at::randn({64, 256}) * 0.1, bias = at::randn({256});
  Linear gelu(wt, bias, Linear::Epilogue::Gelu, /*bf16=*/true, /*out_bf16=*/true);
  auto x = at::randn({196, 64});
  auto got = gelu(x);
  EXPECT_EQ(got.scalar_type(), at::kBFloat16);
  const double e = relL2(got, at::gelu(at::addmm(bias, x, wt)));
  EXPECT_LT(e, 2e-2);
  EXPECT_GT(e, 0.0);  // it did run in bfloat16
}

TEST(OneDnnLayerNorm, MatchesLibtorchOverTheLastDimension) {
  configureCpuThreads(2);
  auto weight = at::randn({96}), bias = at::randn({96});
  LayerNorm norm(weight, bias);
  for (auto shape : {std::vector<int64_t>{1, 14, 14, 96}, std::vector<int64_t>{5, 96}}) {
    auto x = at::randn(shape) * 3 + 1;
    auto got = norm(x);
    EXPECT_EQ(got.sizes(), x.sizes());
    EXPECT_LT(relL2(got, at::layer_norm(x.to(at::kDouble), {96}, weight.to(at::kDouble), bias.to(at::kDouble), 1e-6)),
              1e-6);
  }
}

TEST(OneDnnDepthwiseConv, MatchesLibtorchForEachKernelAndSize) {
  configureCpuThreads(2);
  for (int64_t k : {3, 5, 7}) {
    auto weight = at::randn({32, 1, k, k}), bias = at::randn({32});
    DepthwiseConv conv(weight, bias);
    for (auto [h, w] : {std::pair<int64_t, int64_t>{13, 17}, {56, 56}, {13, 17}}) {
      auto nhwc = at::randn({1, h, w, 32});
      auto want = at::conv2d(nhwc.permute({0, 3, 1, 2}).to(at::kDouble), weight.to(at::kDouble),
                             bias.to(at::kDouble), {1, 1}, {(k - 1) / 2, (k - 1) / 2}, {1, 1}, 32)
                      .permute({0, 2, 3, 1});
      EXPECT_LT(relL2(conv(nhwc), want), 1e-6) << k << " " << h << "x" << w;
    }
  }
}

}  // namespace
}  // namespace revcol::fast
