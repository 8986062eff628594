#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "revcol_widgets/histogram_view.h"

TEST(Histogram, CountsEveryFiniteValueOnceWithTheMaximumInTheLastBin) {
  std::vector<float> v{0.f, 0.1f, 0.5f, 0.99f, 1.f, NAN, INFINITY};
  auto h = revcol::widgets::computeHistogram(v.data(), v.size(), 4);
  EXPECT_EQ(h.finite, 5u);
  EXPECT_DOUBLE_EQ(h.lo, 0.0);
  EXPECT_DOUBLE_EQ(h.hi, 1.0);
  ASSERT_EQ(h.counts.size(), 4u);
  EXPECT_EQ(h.counts[0], 2);  // 0, 0.1
  EXPECT_EQ(h.counts[2], 1);  // 0.5
  EXPECT_EQ(h.counts[3], 2);  // 0.99, 1
  EXPECT_NEAR(h.mean, (0 + 0.1 + 0.5 + 0.99 + 1) / 5, 1e-7);
}

TEST(Histogram, ConstantAndEmptyInputs) {
  std::vector<float> same(10, 3.f);
  auto h = revcol::widgets::computeHistogram(same.data(), same.size(), 8);
  EXPECT_EQ(h.counts[0], 10);
  auto e = revcol::widgets::computeHistogram(nullptr, 0, 8);
  EXPECT_EQ(e.finite, 0u);
  EXPECT_EQ(e.counts.size(), 8u);
}

TEST(HistogramView, ShowsTheValuesItWasGiven) {
  revcol::widgets::HistogramView view;
  std::vector<float> v{1, 2, 2, 3};
  view.setValues(v.data(), v.size(), "channel 0");
  EXPECT_EQ(view.histogram().finite, 4u);
}
