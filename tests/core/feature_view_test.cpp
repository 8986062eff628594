#include <gtest/gtest.h>

#include <cmath>

#include "revcol/error.h"
#include "revcol/feature_view.h"

using revcol::FloatArray;

namespace {
// 2 channels x 1 x 3: channel 0 = {1, -2, 3}, channel 1 = {-1, 2, 0}.
FloatArray twoChannels() { return {{2, 1, 3}, {1, -2, 3, -1, 2, 0}}; }
}  // namespace

TEST(FeatureView, MeanAbsAndL2NormReduceOverChannels) {
  FloatArray m = revcol::reduceChannels(twoChannels(), revcol::Reduction::MeanAbs);
  ASSERT_EQ(m.shape, (std::vector<int64_t>{1, 3}));
  EXPECT_FLOAT_EQ(m.values[0], 1.0f);
  EXPECT_FLOAT_EQ(m.values[1], 2.0f);
  EXPECT_FLOAT_EQ(m.values[2], 1.5f);
  FloatArray n = revcol::reduceChannels(twoChannels(), revcol::Reduction::L2Norm);
  EXPECT_FLOAT_EQ(n.values[0], std::sqrt(2.0f));
  EXPECT_FLOAT_EQ(n.values[2], 3.0f);
}

TEST(FeatureView, SingleChannelIsCopiedAndBadIndexIsAnError) {
  FloatArray c1 = revcol::reduceChannels(twoChannels(), revcol::Reduction::Channel, 1);
  EXPECT_EQ(c1.values, (std::vector<float>{-1, 2, 0}));
  EXPECT_THROW(revcol::reduceChannels(twoChannels(), revcol::Reduction::Channel, 2), revcol::Error);
  EXPECT_THROW(revcol::reduceChannels(FloatArray{{3}, {1, 2, 3}}, revcol::Reduction::MeanAbs), revcol::Error);
}

TEST(FeatureView, PcaFindsTheDominantDirectionAndSharesItAcrossMaps) {
  // Pixels vary along (1, 1, 0) strongly and along (0, 0, 1) weakly.
  FloatArray a{{3, 1, 4}, {}}, b{{3, 1, 4}, {}};
  const float t[4] = {-3, -1, 1, 3};
  const float u[4] = {1, -1, -1, 1};  // zero mean and orthogonal to t
  for (int ch = 0; ch < 3; ++ch)
    for (int i = 0; i < 4; ++i) {
      a.values.push_back(ch < 2 ? t[i] : 0.1f * u[i]);
      b.values.push_back(ch < 2 ? 2 * t[i] : 0.f);
    }
  revcol::PcaBasis basis = revcol::fitPcaBasis({&a, &b});
  ASSERT_EQ(basis.channels, 3);
  EXPECT_NEAR(std::fabs(basis.components[0]), 1 / std::sqrt(2.0), 1e-5);
  EXPECT_NEAR(std::fabs(basis.components[1]), 1 / std::sqrt(2.0), 1e-5);
  EXPECT_NEAR(basis.components[2], 0.0, 1e-5);
  FloatArray rgb = revcol::projectPca(b, basis);
  ASSERT_EQ(rgb.shape, (std::vector<int64_t>{3, 1, 4}));
  // First component increases monotonically with t across the pixels of b.
  EXPECT_LT(rgb.values[0], rgb.values[1]);
  EXPECT_LT(rgb.values[1], rgb.values[2]);
  for (float v : rgb.values) EXPECT_TRUE(v >= 0.f && v <= 1.f);
}

TEST(FeatureView, PercentileRangeIgnoresNonFiniteValues) {
  FloatArray a{{6}, {5, 1, NAN, 3, INFINITY, 2}};
  revcol::ValueRange full = revcol::percentileRange({&a}, 0, 100);
  EXPECT_FLOAT_EQ(full.lo, 1);
  EXPECT_FLOAT_EQ(full.hi, 5);
  revcol::ValueRange mid = revcol::percentileRange({&a}, 50, 50);
  EXPECT_TRUE(mid.lo == 2 || mid.lo == 3);
}
