// Training targets and losses of the detection trainer on cases small enough to work out by hand,
// and the losses' gradients against finite differences in float64.
#include <gtest/gtest.h>

#include <functional>

#include "train/detection/box_targets.h"
#include "train/detection/det_losses.h"

namespace revcol::train::det {
namespace {

torch::Tensor boxes(std::initializer_list<std::array<float, 4>> rows) {
  torch::Tensor t = torch::empty({int64_t(rows.size()), 4});
  int64_t i = 0;
  for (const auto& r : rows) {
    for (int k = 0; k < 4; ++k) t[i][k] = r[size_t(k)];
    ++i;
  }
  return t;
}

TEST(DetTargets, IouWithoutThePlusOne) {
  const torch::Tensor iou = boxIou(boxes({{0, 0, 10, 10}}), boxes({{5, 0, 15, 10}, {0, 0, 10, 10}, {20, 20, 30, 30}}));
  EXPECT_NEAR(iou[0][0].item<float>(), 50.f / 150.f, 1e-6);
  EXPECT_FLOAT_EQ(iou[0][1].item<float>(), 1.f);
  EXPECT_FLOAT_EQ(iou[0][2].item<float>(), 0.f);
}

// RPN's assigner (0.7 / 0.3, low-quality matches >= 0.3) on one object [0, 0, 10, 10]:
//   a0 = the object (IoU 1)                 -> positive
//   a1 = [0, 0, 10, 5]   IoU 0.5            -> ignored (between 0.3 and 0.7)
//   a2 = [0, 0, 10, 2]   IoU 0.2            -> negative
//   a3 = [50, 50, 60, 60] IoU 0             -> negative, but invalid (outside the image) -> ignored
TEST(DetTargets, MaxIouAssignerPositiveIgnoredNegative) {
  MaxIouAssigner rpn{0.7, 0.3, 0.3, true};
  const torch::Tensor anchors = boxes({{0, 0, 10, 10}, {0, 0, 10, 5}, {0, 0, 10, 2}, {50, 50, 60, 60}});
  const torch::Tensor valid = torch::tensor({true, true, true, false});
  const Assignment a = assignByIou(rpn, anchors, boxes({{0, 0, 10, 10}}), torch::tensor({int64_t(4)}), valid);
  EXPECT_EQ(a.gt_index[0].item<int64_t>(), 1);
  EXPECT_EQ(a.gt_index[1].item<int64_t>(), -1);
  EXPECT_EQ(a.gt_index[2].item<int64_t>(), 0);
  EXPECT_EQ(a.gt_index[3].item<int64_t>(), -1);
  EXPECT_EQ(a.labels[0].item<int64_t>(), 4);
  EXPECT_EQ(a.labels[2].item<int64_t>(), -1);
}

// An object no anchor covers at 0.7 still gets its best anchors (all of them on a tie) when that
// IoU is >= min_pos_iou; below it, none.
TEST(DetTargets, LowQualityMatchesGiveEveryObjectItsBestAnchors) {
  MaxIouAssigner rpn{0.7, 0.3, 0.3, true};
  const torch::Tensor anchors = boxes({{0, 0, 10, 5}, {0, 5, 10, 10}, {0, 0, 10, 2}});  // IoU .5, .5, .2
  const Assignment a = assignByIou(rpn, anchors, boxes({{0, 0, 10, 10}}), torch::tensor({int64_t(0)}));
  EXPECT_EQ(a.gt_index[0].item<int64_t>(), 1);
  EXPECT_EQ(a.gt_index[1].item<int64_t>(), 1);
  EXPECT_EQ(a.gt_index[2].item<int64_t>(), 0);
  MaxIouAssigner strict{0.7, 0.3, 0.6, true};
  const Assignment b = assignByIou(strict, anchors, boxes({{0, 0, 10, 10}}), torch::tensor({int64_t(0)}));
  EXPECT_EQ(b.gt_index[0].item<int64_t>(), -1);
}

// Two objects: each box goes to the object it overlaps most; a cascade stage at 0.6 has no
// ignore band (neg = pos threshold).
TEST(DetTargets, BoxGoesToTheObjectItOverlapsMost) {
  MaxIouAssigner stage{0.6, 0.6, 0.6, false};
  const torch::Tensor gt = boxes({{0, 0, 10, 10}, {8, 0, 18, 10}});
  const torch::Tensor props = boxes({{1, 0, 11, 10}, {8, 0, 17, 10}, {4, 0, 14, 10}});
  // p0: IoU 9/11 with g0, 3/17 with g1 -> g0. p1: IoU 0.9 with g1 -> g1. p2: 6/14 and 6/14... < 0.6 -> negative.
  const Assignment a = assignByIou(stage, props, gt, torch::tensor({int64_t(3), int64_t(7)}));
  EXPECT_EQ(a.gt_index[0].item<int64_t>(), 1);
  EXPECT_EQ(a.gt_index[1].item<int64_t>(), 2);
  EXPECT_EQ(a.gt_index[2].item<int64_t>(), 0);
  EXPECT_EQ(a.labels[1].item<int64_t>(), 7);
}

// RandomSampler(num 8, pos_fraction 0.25, add_gt): with 2 objects added and 5 positives there are
// 7 positive candidates, of which 2 are drawn; 6 negatives fill the rest.
TEST(DetTargets, SamplerCapsPositivesAndFillsWithNegatives) {
  torch::Generator rng = at::detail::createCPUGenerator(7);
  Assignment a;
  a.gt_index = torch::tensor({1, 1, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, -1}, torch::kInt64);
  a.labels = torch::where(a.gt_index > 0, torch::full_like(a.gt_index, 5), torch::full_like(a.gt_index, -1));
  a.max_iou = torch::zeros({14});
  const torch::Tensor props = torch::rand({14, 4}, rng) * 10;
  const Sample s = sampleBoxes(a, props, boxes({{0, 0, 5, 5}, {5, 5, 9, 9}}), torch::tensor({int64_t(5), int64_t(5)}),
                               8, 0.25, true, 10, rng);
  EXPECT_EQ(s.positive.numel(), 2);
  EXPECT_EQ(s.negative.numel(), 6);
  EXPECT_EQ(s.boxes.size(0), 8);
  EXPECT_EQ(s.labels.slice(0, 0, 2).eq(5).sum().item<int64_t>(), 2);
  EXPECT_EQ(s.labels.slice(0, 2).eq(10).sum().item<int64_t>(), 6);
  // Indices count the two objects first: negatives are 2 + 5 .. 2 + 12.
  EXPECT_GE(s.negative.min().item<int64_t>(), 7);
  EXPECT_LE(s.negative.max().item<int64_t>(), 14);
  // Few positives: all of them, and negatives up to num.
  Assignment few = a;
  few.gt_index = torch::tensor({0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, torch::kInt64);
  few.labels = torch::where(few.gt_index > 0, torch::full_like(few.gt_index, 5), torch::full_like(few.gt_index, -1));
  const Sample f = sampleBoxes(few, props, boxes({}), torch::zeros({0}, torch::kInt64), 8, 0.25, true, 10, rng);
  EXPECT_EQ(f.positive.numel(), 1);
  EXPECT_EQ(f.negative.numel(), 7);
  EXPECT_FALSE(f.pos_is_gt.any().item<bool>());
}

// bbox2delta of a box twice as wide, shifted by half its width: (0.5, 0, log 2, 0) / stds.
TEST(DetTargets, DeltaEncodingAsBbox2delta) {
  const torch::Tensor d = deltaXYWHEncode(boxes({{0, 0, 10, 10}}), boxes({{0, 0, 20, 10}}), {0.1f, 0.1f, 0.2f, 0.2f});
  EXPECT_NEAR(d[0][0].item<float>(), 0.5f / 0.1f, 1e-5);
  EXPECT_NEAR(d[0][1].item<float>(), 0.f, 1e-6);
  EXPECT_NEAR(d[0][2].item<float>(), std::log(2.f) / 0.2f, 1e-5);
  EXPECT_NEAR(d[0][3].item<float>(), 0.f, 1e-6);
}

// GIoU of [0,0,2,2] and [1,0,3,2]: I 2, U 6, C 6 -> GIoU 1/3; of [0,0,1,1] and [2,0,3,1]: I 0, U 2,
// C 3 -> GIoU -1/3. Loss = sum(1 - GIoU) / avg_factor.
TEST(DetLosses, GiouLossOnHandComputedPairs) {
  const torch::Tensor loss = giouLoss(boxes({{0, 0, 2, 2}, {0, 0, 1, 1}}), boxes({{1, 0, 3, 2}, {2, 0, 3, 1}}), 4.0);
  EXPECT_NEAR(loss.item<float>(), ((1 - 1.0 / 3) + (1 + 1.0 / 3)) / 4, 1e-6);
}

TEST(DetLosses, SmoothL1QuadraticBelowBetaLinearAbove) {
  const double beta = 1.0 / 9;
  const torch::Tensor loss = smoothL1Loss(torch::tensor({0.05f, 1.0f}), torch::tensor({0.f, 0.f}), beta, 2.0);
  EXPECT_NEAR(loss.item<float>(), (0.5 * 0.05 * 0.05 / beta + (1.0 - 0.5 * beta)) / 2, 1e-6);
}

// Each loss's autograd gradient against central differences, float64.
double maxGradientError(const std::function<torch::Tensor(const torch::Tensor&)>& loss, torch::Tensor x) {
  x = x.to(torch::kFloat64).requires_grad_(true);
  const torch::Tensor g = torch::autograd::grad({loss(x)}, {x})[0];
  torch::NoGradGuard no_grad;
  double worst = 0;
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double h = 1e-6;
    torch::Tensor p = x.detach().clone(), m = x.detach().clone();
    p.view(-1)[i] += h;
    m.view(-1)[i] -= h;
    const double numeric = (loss(p).item<double>() - loss(m).item<double>()) / (2 * h);
    worst = std::max(worst, std::abs(numeric - g.view(-1)[i].item<double>()));
  }
  return worst;
}

TEST(DetLosses, GradientsMatchFiniteDifferences) {
  const torch::Tensor target = boxes({{1, 1, 5, 4}, {0, 0, 3, 3}, {2, 2, 6, 9}}).to(torch::kFloat64);
  const torch::Tensor pred = boxes({{0.5f, 1.2f, 4.1f, 4.6f}, {4, 4, 6, 7}, {2.3f, 1.1f, 5.2f, 8.4f}});
  EXPECT_LT(maxGradientError([&](const torch::Tensor& x) { return giouLoss(x, target, 3.0); }, pred), 1e-6);
  EXPECT_LT(maxGradientError([&](const torch::Tensor& x) { return smoothL1Loss(x, target, 1.0 / 9, 3.0); }, pred),
            1e-6);
  const torch::Tensor labels = torch::tensor({2, 0, 3}, torch::kInt64);
  EXPECT_LT(
      maxGradientError([&](const torch::Tensor& x) { return softmaxCeLoss(x, labels, 3.0); }, torch::randn({3, 4})),
      1e-6);
  const torch::Tensor bin = torch::tensor({1.0, 0.0, 1.0, 0.0}, torch::kFloat64);
  EXPECT_LT(maxGradientError([&](const torch::Tensor& x) { return sigmoidBceLoss(x, bin, 4.0); }, torch::randn({4})),
            1e-6);
}

}  // namespace
}  // namespace revcol::train::det
