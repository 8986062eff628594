// Ablations on the backbone: which heads an intervention can reach, and which it cannot.
#include <gtest/gtest.h>

#include "revcol/ablation.h"
#include "revcol/model.h"
#include <cmath>

using namespace revcol;

namespace {

const std::string kCkpt = std::string(REVCOL_TEST_DATA) + "/cls/cls_revcol_s4_k3.pth";

// A smooth, varied 224 x 224 input (normalised-image range).
FloatArray input() {
  FloatArray x;
  x.shape = {3, 224, 224};
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 224; ++y)
      for (int w = 0; w < 224; ++w) x.values.push_back(float(std::sin(0.05 * (c + 1) * y) * std::cos(0.07 * w + c)));
  return x;
}

// Repeated forwards agree to float rounding, not bit for bit (thread scheduling of reductions):
// "unchanged" is within 1e-5, "changed" beyond 1e-3.
double maxDiff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = a.size() == b.size() ? 0.0 : 1e30;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, double(std::abs(a[i] - b[i])));
  return m;
}

}  // namespace

TEST(Ablation, StoppingAfterAColumnLeavesTheEarlierHeadsUnchanged) {
  RevColModel model = RevColModel::load(kCkpt);
  const FloatArray x = input();
  const std::vector<HeadOutput> full = model.classify(x, 5);
  ASSERT_EQ(full.size(), 4u);
  const std::vector<HeadOutput> two = model.classify(x, 5, Ablation{Ablation::Kind::StopAfterColumn, 1, 0});
  ASSERT_EQ(two.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(two[k].column, full[k].column);
    EXPECT_LT(maxDiff(two[k].logits, full[k].logits), 1e-5) << "head " << k;
  }
  EXPECT_EQ(model.classify(x, 5, Ablation{}).size(), 4u);  // none: everything
}

TEST(Ablation, ChangingALevelReachesOnlyWhatReadsItLater) {
  RevColModel model = RevColModel::load(kCkpt);
  const FloatArray x = input();
  const std::vector<HeadOutput> full = model.classify(x, 5);
  // c3 of column 2 feeds head 2 and, through the shortcut, column 3 and head 3.
  const auto zero = model.classify(x, 5, Ablation{Ablation::Kind::ZeroLevel, 2, 3});
  ASSERT_EQ(zero.size(), 4u);
  EXPECT_LT(maxDiff(zero[0].logits, full[0].logits), 1e-5);
  EXPECT_LT(maxDiff(zero[1].logits, full[1].logits), 1e-5);
  EXPECT_GT(maxDiff(zero[2].logits, full[2].logits), 1e-3);
  EXPECT_GT(maxDiff(zero[3].logits, full[3].logits), 1e-3);
  // c2 of column 1 is computed after column 1's c3 (which head 1 reads): only later heads move.
  const auto mean = model.classify(x, 5, Ablation{Ablation::Kind::MeanLevel, 1, 2});
  EXPECT_LT(maxDiff(mean[0].logits, full[0].logits), 1e-5);
  EXPECT_LT(maxDiff(mean[1].logits, full[1].logits), 1e-5);
  EXPECT_GT(maxDiff(mean[2].logits, full[2].logits), 1e-3);
  EXPECT_GT(maxDiff(mean[3].logits, full[3].logits), 1e-3);
  // The last column's c0 is read by nothing any more.
  const auto last = model.classify(x, 5, Ablation{Ablation::Kind::ZeroLevel, 3, 0});
  for (size_t k = 0; k < 4; ++k) EXPECT_LT(maxDiff(last[k].logits, full[k].logits), 1e-5);
  EXPECT_EQ(describe(Ablation{Ablation::Kind::MeanLevel, 1, 2}), "mean c2 of column 1");
}
