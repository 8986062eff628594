// Detection operators against hand-computed cases (mmcv 1.5.0 / mmdet 2.23 semantics).
#include <gtest/gtest.h>

#include <cmath>

#include "heads/det_ops.h"

namespace revcol::det {
namespace {

// 1 x C x 4 x 4 map with f(c, y, x) = 1 + x + 10 y + 100 c: bilinear sampling of it is exact.
torch::Tensor rampMap(int64_t channels = 1, int64_t h = 4, int64_t w = 4) {
  torch::Tensor t = torch::empty({1, channels, h, w});
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x) t[0][c][y][x] = float(1 + x + 10 * y + 100 * c);
  return t;
}

torch::Tensor rois(std::initializer_list<std::array<float, 5>> rows) {
  torch::Tensor t = torch::empty({int64_t(rows.size()), 5});
  int64_t i = 0;
  for (const auto& r : rows) {
    for (int k = 0; k < 5; ++k) t[i][k] = r[size_t(k)];
    ++i;
  }
  return t;
}

TEST(DetRoiAlign, InteriorBinsAverageTheirSamplePoints) {
  // RoI (0,0)-(4,4), aligned: start -0.5, 2x2 output, bins of 2 px, 2x2 samples at pixel centres.
  const torch::Tensor out = roiAlign(rampMap(), rois({{0, 0, 0, 4, 4}}), 2, 2, 1.f, 0, true);
  ASSERT_EQ(out.sizes(), torch::IntArrayRef({1, 1, 2, 2}));
  EXPECT_FLOAT_EQ(out[0][0][0][0].item<float>(), (1 + 2 + 11 + 12) / 4.f);
  EXPECT_FLOAT_EQ(out[0][0][0][1].item<float>(), (3 + 4 + 13 + 14) / 4.f);
  EXPECT_FLOAT_EQ(out[0][0][1][0].item<float>(), (21 + 22 + 31 + 32) / 4.f);
  EXPECT_FLOAT_EQ(out[0][0][1][1].item<float>(), (23 + 24 + 33 + 34) / 4.f);
}

TEST(DetRoiAlign, SpatialScaleAndHalfPixelSamples) {
  // Stride 2 map: RoI (0,0)-(8,8) in input pixels = (0,0)-(4,4) on the map, one bin, 4x4 samples at
  // -0.5 + 0.5 + k = 0..3 -> the mean of the whole map.
  const torch::Tensor out = roiAlign(rampMap(), rois({{0, 0, 0, 8, 8}}), 1, 1, 0.5f, 0, true);
  EXPECT_FLOAT_EQ(out.item<float>(), 1 + 1.5f + 15.f);
  // A fractional sample: RoI (1,1)-(2,2), one sample at (1, 1) + 0.5 - 0.5 + ... = centre 1.0.
  const torch::Tensor frac = roiAlign(rampMap(), rois({{0, 0.75f, 0.25f, 1.75f, 1.25f}}), 1, 1, 1.f, 0, true);
  // Sample point x = 0.75 - 0.5 + 0.5 = 0.75, y = 0.25: f = 1 + 0.75 + 2.5.
  EXPECT_NEAR(frac.item<float>(), 1 + 0.75f + 2.5f, 1e-5);
}

TEST(DetRoiAlign, TopLeftBorder) {
  // RoI (-2,-2)-(1,1): start -2.5, 3x3 samples at -2, -1, 0 per axis. Samples at -2 are outside
  // [-1, size] and read 0; -1 and 0 clamp to pixel 0 (value 1). 4 of 9 samples read 1.
  const torch::Tensor out = roiAlign(rampMap(), rois({{0, -2, -2, 1, 1}}), 1, 1, 1.f, 0, true);
  EXPECT_FLOAT_EQ(out.item<float>(), 4.f / 9.f);
}

TEST(DetRoiAlign, BottomRightBorder) {
  // RoI (3,3)-(6,6) on a 4x4 map: samples at 3, 4, 5. 3 and 4 (== width) clamp to pixel 3 (value
  // 34), 5 > width reads 0: 4 of 9 samples read 34.
  const torch::Tensor out = roiAlign(rampMap(), rois({{0, 3, 3, 6, 6}}), 1, 1, 1.f, 0, true);
  EXPECT_FLOAT_EQ(out.item<float>(), 4.f * 34.f / 9.f);
}

TEST(DetRoiAlign, EmptyRoiAndEmptyInput) {
  const torch::Tensor zero_size = roiAlign(rampMap(), rois({{0, 1, 1, 1, 1}}), 7, 7, 1.f, 0, true);
  EXPECT_EQ(zero_size.abs().sum().item<float>(), 0.f);
  const torch::Tensor none = roiAlign(rampMap(3), torch::zeros({0, 5}), 7, 7, 0.25f, 0, true);
  EXPECT_EQ(none.sizes(), torch::IntArrayRef({0, 3, 7, 7}));
}

// RoIAlign is linear in the features, so its gradient is its adjoint: for any g and f,
// <g, roiAlign(f)> = <roiAlign^T(g), f>. RoIs of both images, overlapping, across the border and
// with sub-pixel corners, at two scales, exercise every branch of the bilinear rule.
TEST(DetRoiAlign, GradientIsTheAdjointOfTheForward) {
  torch::manual_seed(3);
  const torch::Tensor f = torch::randn({2, 3, 9, 11}).requires_grad_(true);
  const torch::Tensor r = rois({{0, 0.3f, 1.2f, 14.f, 10.5f},
                                {1, -3.f, -2.f, 6.f, 7.f},
                                {0, 5.f, 5.f, 30.f, 25.f},
                                {1, 2.2f, 3.7f, 4.1f, 5.0f},
                                {0, 10.f, 10.f, 10.f, 10.f}});
  for (float scale : {1.f, 0.5f}) {
    const torch::Tensor out = roiAlign(f, r, 3, 4, scale, 0, true);
    const torch::Tensor g = torch::randn(out.sizes());
    const torch::Tensor grad = torch::autograd::grad({out}, {f}, {g})[0];
    const double lhs = (g * out).sum().item<double>(), rhs = (grad * f).sum().item<double>();
    EXPECT_NEAR(lhs, rhs, 1e-4 * std::abs(lhs) + 1e-4) << "scale " << scale;
    EXPECT_GT(grad.abs().sum().item<double>(), 0.0);
  }
}

// One output bin against central finite differences of every input pixel (float32, step 1e-2:
// the map is piecewise linear in the features, so the difference quotient is exact up to rounding).
TEST(DetRoiAlign, GradientMatchesFiniteDifferences) {
  torch::manual_seed(4);
  torch::Tensor f = torch::randn({1, 2, 5, 6});
  const torch::Tensor r = rois({{0, 0.7f, 0.4f, 4.6f, 3.9f}});
  const torch::Tensor fg = f.clone().requires_grad_(true);
  const torch::Tensor out = roiAlign(fg, r, 2, 2, 1.f, 0, true);
  const torch::Tensor grad = torch::autograd::grad({out[0][1][1][0]}, {fg})[0];
  torch::NoGradGuard no_grad;
  float max_err = 0;
  for (int64_t i = 0; i < f.numel(); ++i) {
    const float h = 1e-2f;
    torch::Tensor plus = f.clone(), minus = f.clone();
    plus.view(-1)[i] += h;
    minus.view(-1)[i] -= h;
    const float numeric = (roiAlign(plus, r, 2, 2, 1.f, 0, true)[0][1][1][0].item<float>() -
                           roiAlign(minus, r, 2, 2, 1.f, 0, true)[0][1][1][0].item<float>()) /
                          (2 * h);
    max_err = std::max(max_err, std::abs(numeric - grad.view(-1)[i].item<float>()));
  }
  EXPECT_LT(max_err, 1e-4f);
}

TEST(DetRoiAlign, ChannelsAndBatchIndex) {
  const torch::Tensor feats = torch::cat({rampMap(2), rampMap(2) * 2}, 0);  // batch of 2
  const torch::Tensor out = roiAlign(feats, rois({{1, 0, 0, 4, 4}}), 2, 2, 1.f, 0, true);
  EXPECT_FLOAT_EQ(out[0][1][0][0].item<float>(), 2.f * (100 + (1 + 2 + 11 + 12) / 4.f));
}

TEST(DetRoiAlign, NotAlignedUsesAtLeastOnePixel) {
  // aligned=false: no half-pixel shift, RoI size raised to 1. RoI (1,1)-(1,1) -> bin 1 px, one
  // sample at (1.5, 1.5).
  const torch::Tensor out = roiAlign(rampMap(), rois({{0, 1, 1, 1, 1}}), 1, 1, 1.f, 0, false);
  EXPECT_FLOAT_EQ(out.item<float>(), 1 + 1.5f + 15.f);
}

TEST(DetNms, SuppressesOverlapsAboveThresholdInScoreOrder) {
  const torch::Tensor boxes =
      torch::tensor({0.f, 0.f, 10.f, 10.f, 1.f, 1.f, 11.f, 11.f, 20.f, 20.f, 30.f, 30.f}).view({3, 4});
  const torch::Tensor keep = nms(boxes, torch::tensor({0.8f, 0.9f, 0.7f}), 0.5f);
  // IoU(0, 1) = 81 / 119 > 0.5: box 0 goes, box 1 (higher score) stays; box 2 is apart.
  ASSERT_EQ(keep.size(0), 2);
  EXPECT_EQ(keep[0].item<int64_t>(), 1);
  EXPECT_EQ(keep[1].item<int64_t>(), 2);
}

TEST(DetNms, IouEqualToThresholdIsKept) {
  const torch::Tensor boxes = torch::tensor({0.f, 0.f, 10.f, 10.f, 0.f, 0.f, 10.f, 5.f}).view({2, 4});
  EXPECT_EQ(nms(boxes, torch::tensor({0.9f, 0.8f}), 0.5f).size(0), 2);  // IoU exactly 0.5
  EXPECT_EQ(nms(boxes, torch::tensor({0.9f, 0.8f}), 0.49f).size(0), 1);
}

TEST(DetNms, EmptyAndDegenerateBoxes) {
  EXPECT_EQ(nms(torch::zeros({0, 4}), torch::zeros({0}), 0.5f).size(0), 0);
  // Zero-area boxes on the image border: IoU 0/0 is not > threshold, so both stay (as mmcv).
  const torch::Tensor boxes = torch::tensor({0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f}).view({2, 4});
  EXPECT_EQ(nms(boxes, torch::tensor({0.9f, 0.8f}), 0.5f).size(0), 2);
}

TEST(DetBatchedNms, ClassesDoNotSuppressEachOther) {
  const torch::Tensor boxes =
      torch::tensor({0.f, 0.f, 10.f, 10.f, 0.f, 0.f, 10.f, 10.f, 0.f, 0.f, 10.f, 10.f}).view({3, 4});
  const torch::Tensor idxs = torch::tensor({0, 1, 0}, torch::kLong);
  auto [dets, keep] = batchedNms(boxes, torch::tensor({0.5f, 0.6f, 0.7f}), idxs, 0.5f);
  ASSERT_EQ(keep.size(0), 2);
  EXPECT_EQ(keep[0].item<int64_t>(), 2);  // class 0, best of its two copies
  EXPECT_EQ(keep[1].item<int64_t>(), 1);  // class 1
  EXPECT_FLOAT_EQ(dets[0][4].item<float>(), 0.7f);
  EXPECT_FLOAT_EQ(dets[1][2].item<float>(), 10.f);  // boxes come back without the class offsets
  auto [none, none_keep] = batchedNms(torch::zeros({0, 4}), torch::zeros({0}), torch::zeros({0}, torch::kLong), 0.5f);
  EXPECT_EQ(none.sizes(), torch::IntArrayRef({0, 5}));
  EXPECT_EQ(none_keep.size(0), 0);
}

TEST(DetBatchedNms, SplitPathAboveTenThousandBoxesSortsByScore) {
  // 10002 disjoint boxes in two classes plus one overlapping duplicate in class 0: one NMS per
  // class, then all survivors sorted by score.
  const int64_t n = 5001;
  torch::Tensor boxes = torch::zeros({2 * n + 1, 4});
  torch::Tensor scores = torch::zeros({2 * n + 1});
  torch::Tensor idxs = torch::zeros({2 * n + 1}, torch::kLong);
  for (int64_t i = 0; i < 2 * n; ++i) {
    const float x = float(i % n) * 20.f;
    boxes[i][0] = x;
    boxes[i][2] = x + 10.f;
    boxes[i][3] = 10.f;
    scores[i] = float(i) / float(2 * n) + 0.001f;
    idxs[i] = i / n;
  }
  boxes[2 * n] = torch::tensor({0.f, 0.f, 10.f, 9.f});
  scores[2 * n] = 0.0005f;
  auto [dets, keep] = batchedNms(boxes, scores, idxs, 0.5f);
  ASSERT_EQ(keep.size(0), 2 * n);
  EXPECT_TRUE((dets.select(1, 4).slice(0, 0, -1) >= dets.select(1, 4).slice(0, 1)).all().item<bool>());
  EXPECT_EQ(keep[0].item<int64_t>(), 2 * n - 1);
  EXPECT_FALSE((keep == 2 * n).any().item<bool>());
}

TEST(DetDeltaDecode, ShiftsScalesAndClamps) {
  const torch::Tensor roi = torch::tensor({0.f, 0.f, 10.f, 10.f}).view({1, 4});
  torch::Tensor d = torch::tensor({0.1f, 0.f, std::log(2.f), 0.f}).view({1, 4});
  torch::Tensor free = deltaXYWHDecode(roi, d, {1, 1, 1, 1}, 0, 0);
  EXPECT_NEAR(free[0][0].item<float>(), -4.f, 1e-5);  // centre 5 + 1, width 20
  EXPECT_NEAR(free[0][2].item<float>(), 16.f, 1e-5);
  EXPECT_NEAR(free[0][1].item<float>(), 0.f, 1e-5);
  torch::Tensor clamped = deltaXYWHDecode(roi, d, {1, 1, 1, 1}, 8, 12);
  EXPECT_FLOAT_EQ(clamped[0][0].item<float>(), 0.f);
  EXPECT_FLOAT_EQ(clamped[0][2].item<float>(), 12.f);
  EXPECT_FLOAT_EQ(clamped[0][3].item<float>(), 8.f);
  // Target stds scale the deltas; class-specific deltas (4 per class) decode per class.
  torch::Tensor two = torch::tensor({1.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f}).view({1, 8});
  torch::Tensor out = deltaXYWHDecode(roi, two, {0.1f, 0.1f, 0.2f, 0.2f}, 0, 0);
  ASSERT_EQ(out.sizes(), torch::IntArrayRef({1, 8}));
  EXPECT_NEAR(out[0][0].item<float>(), 1.f, 1e-6);
  EXPECT_NEAR(out[0][4].item<float>(), 0.f, 1e-6);
  // Huge log-size deltas are clipped at |log(16/1000)|.
  torch::Tensor big = deltaXYWHDecode(roi, torch::tensor({0.f, 0.f, 100.f, 0.f}).view({1, 4}), {1, 1, 1, 1}, 0, 0);
  EXPECT_NEAR((big[0][2] - big[0][0]).item<float>(), 10.f * 1000.f / 16.f, 1e-2);
}

TEST(DetAnchors, MmdetBaseAnchorsAndOrder) {
  const torch::Tensor a = gridAnchors(4, {0.5f, 1.f, 2.f}, {8.f}, 2, 3);
  ASSERT_EQ(a.sizes(), torch::IntArrayRef({2 * 3 * 3, 4}));
  const float w = 32.f * std::sqrt(2.f) / 2.f;  // ratio 0.5: w = 32 / sqrt(0.5) ... halved
  EXPECT_NEAR(a[0][0].item<float>(), -w, 1e-4);
  EXPECT_NEAR(a[0][1].item<float>(), -w / 2.f, 1e-4);
  // (y=1, x=2, ratio 1): centre (8, 4), 32 x 32.
  const torch::Tensor r = a[(1 * 3 + 2) * 3 + 1];
  EXPECT_FLOAT_EQ(r[0].item<float>(), 8.f - 16.f);
  EXPECT_FLOAT_EQ(r[1].item<float>(), 4.f - 16.f);
  EXPECT_FLOAT_EQ(r[2].item<float>(), 8.f + 16.f);
  EXPECT_FLOAT_EQ(r[3].item<float>(), 4.f + 16.f);
}

TEST(DetRoiLevels, ScaleMapping) {
  // sqrt(area) 56 -> 0, 111.9 -> 0, 112 -> 1, 224 -> 2, 448 -> 3, 2000 -> 3, 0 -> 0.
  const torch::Tensor r =
      torch::tensor({0.f,   0.f,   0.f,   56.f, 56.f,   0.f,    0.f,   0.f,   111.9f, 111.9f, 0.f, 0.f,
                     0.f,   112.f, 112.f, 0.f,  0.f,    0.f,    224.f, 224.f, 0.f,    0.f,    0.f, 448.f,
                     448.f, 0.f,   0.f,   0.f,  2000.f, 2000.f, 0.f,   5.f,   5.f,    5.f,    5.f})
          .view({7, 5});
  const torch::Tensor l = roiLevels(r, 4);
  const std::vector<int64_t> expected{0, 0, 1, 2, 3, 3, 0};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(l[int64_t(i)].item<int64_t>(), expected[i]) << i;
}

}  // namespace
}  // namespace revcol::det
