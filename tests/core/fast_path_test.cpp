// The fast inference path (nn/fast_revcol.h) against the plain modules, which are the reference:
// every level of every column, what each column added, heads, image decoders, single levels and
// the column inversion (the worst figure printed covers levels, added maps and decoder images; the
// inversion has its own). Tolerance: 1e-5 relative L2 in float32 (the fast path folds the layer scale
// into pwconv2 and sums in a different order: ~1e-7 is expected).
#include <revcol/architecture.h>

#include "analysis/reconstruction.h"
#include "checkpoint/checkpoint.h"
#include "nn/cpu_runtime.h"
#include "nn/fast_revcol.h"
#include "nn/small_rows_product.h"
#include "nn/split_bf16_product.h"
#include "nn/weights.h"

#include <gtest/gtest.h>

#include <string>

#include "relative_l2.h"

namespace revcol {
namespace {

constexpr double kFastTolerance = 1e-5;

struct Case {
  const char* name;
  const char* fixture;  // tests/data/cls checkpoint, or nullptr for random weights of `arch`
  Architecture arch;
  int64_t height, width;
  int threads;  // 0: auto (the free cores); 2 exercises the split products on any machine
  // Alphas all well away from the 1e-3 clamp: the inversion divides by alpha once per level, so
  // with the fixtures' tiny alphas it amplifies rounding differences ~1e3 times per level.
  bool compare_inverse;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

Architecture randomArch(bool huge, int columns, int kernel) {
  Architecture a;
  a.channels = {16, 32, 64, 128};
  a.layers = {1, 2, 2, 1};
  a.columns = columns;
  a.kernel_size = kernel;
  a.huge = huge;
  a.num_classes = 10;
  a.head = HeadKind::IntermediateSupervision;
  a.num_heads = 4;
  a.decoder = DecoderKind::Decoder;
  a.num_decoders = 3;
  return a;
}

RevColNet build(const Case& c) {
  if (c.fixture) {
    Checkpoint ck = readCheckpoint(std::string(REVCOL_TEST_DATA) + "/cls/" + c.fixture);
    Architecture arch = inferArchitecture(ck.state_dict);
    RevColNet net(arch);
    loadWeights(*net, ck.state_dict, arch.weights_prefix);
    return net;
  }
  RevColNet net(c.arch);
  randomizeWeights(*net, 7);
  return net;
}

class FastPath : public ::testing::TestWithParam<Case> {};

// Every comparison for one fast path of `net`, the plain path being the reference.
void expectFastEqualsPlain(const Case& c, RevColNet& net, bool gelu_pass, const char* kernels) {
  FastRevColNet fast(*net, /*bf16=*/false, gelu_pass);
  torch::manual_seed(3);
  auto input = torch::randn({1, 3, c.height, c.width});

  ForwardOptions opts;
  opts.added = true;
  std::vector<ColumnOutput> plain, quick;
  auto keep = [](std::vector<ColumnOutput>& into) {
    return [&into](const ColumnOutput& out) {
      into.push_back(out);
      return true;
    };
  };
  auto want = net->forward(input, opts, keep(plain));
  auto got = fast.forward(input, opts, keep(quick));

  ASSERT_EQ(quick.size(), plain.size());
  double worst = 0;
  for (size_t i = 0; i < plain.size(); ++i)
    for (int l = 0; l < 4; ++l) {
      ASSERT_EQ(quick[i].c[l].sizes(), plain[i].c[l].sizes());
      double e = relL2(quick[i].c[l], plain[i].c[l]);
      double a = relL2(quick[i].added[l], plain[i].added[l]);
      EXPECT_LT(e, kFastTolerance) << "column " << i << " level " << l;
      EXPECT_LT(a, kFastTolerance) << "added, column " << i << " level " << l;
      worst = std::max({worst, e, a});
    }
  EXPECT_LT(relL2(got.stem, want.stem), kFastTolerance);
  ASSERT_EQ(got.logits.size(), want.logits.size());
  for (size_t k = 0; k < want.logits.size(); ++k) EXPECT_LT(relL2(got.logits[k], want.logits[k]), kFastTolerance);
  ASSERT_EQ(got.images.size(), want.images.size());
  for (size_t k = 0; k < want.images.size(); ++k) {
    ASSERT_EQ(got.images[k].sizes(), want.images[k].sizes()) << "decoder " << k;
    const double e = relL2(got.images[k], want.images[k]);
    EXPECT_LT(e, kFastTolerance) << "decoder " << k;
    worst = std::max(worst, e);
  }

  // Single levels (what the inversion evaluates), from the true features of the previous column.
  for (size_t i = 1; i < plain.size(); ++i) {
    const Levels& p = plain[i - 1].c;
    const Levels& q = plain[i].c;
    torch::Tensor none;
    const bool huge = net->architecture().huge;
    for (int l = 0; l < 4; ++l) {
      auto down = l == 0 ? want.stem : q[l - 1];
      auto up = l < 3 ? p[l + 1] : none;
      auto up3 = l == 0 && huge ? p[3] : none;
      EXPECT_LT(relL2(fast.levelFn(static_cast<int>(i), l, down, up, up3),
                      net->subnet(static_cast<int>(i))->levelFn(l, down, up, up3)),
                kFastTolerance)
          << "levelFn column " << i << " level " << l;
    }
  }
  // The inversion of the analysis, column by column: each path inverts the features its own forward
  // made, as the analysis does, so each recomputes a level with the operations that made it and
  // cancels its own rounding. (Fed the plain path's features instead, the fast inversion would
  // divide the ~1e-7 differences of single levels, checked above, by alpha at every level.)
  double worst_inverse = 0;
  for (size_t i = 1; c.compare_inverse && i < plain.size(); ++i) {
    auto p = invertColumn(*net->subnet(static_cast<int>(i)), want.stem, plain[i].c);
    auto q = fast.invertColumn(static_cast<int>(i), got.stem, quick[i].c);
    for (int l = 0; l < 4; ++l) {
      const double e = relL2(q[l], p[l]);
      EXPECT_LT(e, kFastTolerance) << "inverse " << i << " level " << l;
      worst_inverse = std::max(worst_inverse, e);
    }
  }
  // The inversion's figure shows the margin left under the tolerance (it magnifies rounding).
  if (c.compare_inverse)
    std::printf("%s, %s: %zu columns, worst relative L2 %.3g, inversion %.3g\n", c.name, kernels, plain.size(), worst,
                worst_inverse);
  else
    std::printf("%s, %s: %zu columns, worst relative L2 %.3g\n", c.name, kernels, plain.size(), worst);
}

// Both forms of the MLPs' GELU (the polynomial needs AVX-512; oneDNN's runs everywhere), and each
// product kernel wherever it can run: by default the small-rows kernel takes few products of these
// small widths (65-256 rows, and none with weights over 1 MiB) and the AMX split-bfloat16 kernel
// only products of over 256 rows, so each is also made to take every product it can (the small-rows
// kernel those of at most 256 rows, the split kernel all float32 ones), and oneDNN all of them.
TEST_P(FastPath, EqualsThePlainPathOnEveryLevelOfEveryColumn) {
  const Case& c = GetParam();
  configureCpuThreads(c.threads);
  torch::NoGradGuard no_grad;
  RevColNet net = build(c);
  net->eval();
  for (bool gelu_pass : {true, false}) {
    if (gelu_pass && !fast::geluPassAvailable()) continue;
    SCOPED_TRACE(gelu_pass ? "GELU pass" : "fused GELU");
    expectFastEqualsPlain(c, net, gelu_pass, gelu_pass ? "GELU pass" : "fused GELU");
  }
  const bool gelu_pass = fast::geluPassAvailable();
  if (fast::SmallRowsProduct::available()) {
    fast::ProductKernelsOverride small(fast::ProductKernels::SmallRowsWherePossible);
    SCOPED_TRACE("small-rows kernel wherever possible");
    expectFastEqualsPlain(c, net, gelu_pass, "small-rows kernel wherever possible");
  }
  if (fast::SplitBf16Product::available()) {
    fast::ProductKernelsOverride split(fast::ProductKernels::SplitBf16WherePossible);
    SCOPED_TRACE("AMX split-bfloat16 kernel wherever possible");
    expectFastEqualsPlain(c, net, gelu_pass, "AMX split-bfloat16 kernel wherever possible");
  }
  fast::ProductKernelsOverride onednn(fast::ProductKernels::OneDnnOnly);
  SCOPED_TRACE("oneDNN products only");
  expectFastEqualsPlain(c, net, gelu_pass, "oneDNN products only");
}

INSTANTIATE_TEST_SUITE_P(
    Variants, FastPath,
    ::testing::Values(Case{"fixture_s4_k3", "cls_revcol_s4_k3.pth", {}, 224, 224, 2, false},
                      Case{"fixture_s8_k7", "cls_revcol_s8_k7.pth", {}, 128, 96, 0, false},
                      Case{"fixture_huge_s8_k3", "cls_revcol_huge_s8_k3.pth", {}, 128, 128, 0, false},
                      Case{"fixture_single_s2_k5", "cls_revcol_single_s2_k5.pth", {}, 96, 160, 0, false},
                      Case{"fixture_simdec_s4_k3", "cls_revcol_simdec_s4_k3.pth", {}, 128, 128, 0, false},
                      Case{"random_s4_k3_odd_size", nullptr, randomArch(false, 4, 3), 100, 76, 2, true},
                      Case{"random_huge_s4_k5_odd_size", nullptr, randomArch(true, 4, 5), 72, 104, 0, true},
                      Case{"fixture_huge_single_s3_k3", "cls_revcol_huge_single_s3_k3.pth", {}, 64, 96, 0, true}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

// Ablations (revcol/ablation.h) act on the same features in both paths.
TEST(FastPathAblation, EveryKindMatchesThePlainPath) {
  configureCpuThreads(0);
  torch::NoGradGuard no_grad;
  RevColNet net(randomArch(false, 4, 3));
  randomizeWeights(*net, 11);
  net->eval();
  FastRevColNet fast(*net);
  auto input = torch::randn({1, 3, 64, 96});
  using K = Ablation::Kind;
  for (Ablation a : {Ablation{K::StopAfterColumn, 1, 0}, Ablation{K::ZeroLevel, 1, 2}, Ablation{K::MeanLevel, 2, 0},
                     Ablation{K::MeanLevel, 0, 3}}) {
    ForwardOptions opts;
    opts.decoders = false;
    opts.ablation = &a;
    auto want = net->forward(input, opts);
    auto got = fast.forward(input, opts);
    EXPECT_EQ(got.columns_done, want.columns_done) << describe(a);
    ASSERT_EQ(got.logits.size(), want.logits.size()) << describe(a);
    for (size_t k = 0; k < want.logits.size(); ++k)
      EXPECT_LT(relL2(got.logits[k], want.logits[k]), kFastTolerance) << describe(a) << " head " << k;
    for (int l = 0; l < 4; ++l) EXPECT_LT(relL2(got.last[l], want.last[l]), kFastTolerance) << describe(a) << " c" << l;
  }
}

// Optional bfloat16 MLPs: a bounded drift from the float32 plain path (measured ~1e-2 at most on
// RevCol-T; the tolerance here is 5e-2 relative L2 on every level of every column and the logits).
TEST(FastPathBf16, DriftStaysSmallOnEveryLevel) {
  configureCpuThreads(0);
  torch::NoGradGuard no_grad;
  RevColNet net(randomArch(true, 4, 3));
  randomizeWeights(*net, 5);
  net->eval();
  FastRevColNet fast(*net, /*bf16=*/true);
  auto input = torch::randn({1, 3, 96, 128});
  std::vector<Levels> plain, quick;
  auto want = net->forward(input, {}, [&](const ColumnOutput& o) { return plain.push_back(o.c), true; });
  auto got = fast.forward(input, {}, [&](const ColumnOutput& o) { return quick.push_back(o.c), true; });
  ASSERT_EQ(plain.size(), quick.size());
  double worst = 0;
  for (size_t i = 0; i < plain.size(); ++i)
    for (int l = 0; l < 4; ++l) {
      const double e = relL2(quick[i][l], plain[i][l]);
      EXPECT_LT(e, 5e-2) << "column " << i << " level " << l;
      EXPECT_GT(e, 0.0) << "the bf16 path ran in float32";
      worst = std::max(worst, e);
    }
  for (size_t k = 0; k < want.logits.size(); ++k) EXPECT_LT(relL2(got.logits[k], want.logits[k]), 5e-2) << k;
  std::printf("bf16: worst relative L2 %.3g\n", worst);
}

}  // namespace
}  // namespace revcol
