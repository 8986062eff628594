// Ablations reach the detection and segmentation necks: the last column's levels are what they read.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "revcol/detector.h"
#include "revcol/image_io.h"
#include "revcol/segmenter.h"

using namespace revcol;

namespace {

const std::string kData = REVCOL_TEST_DATA;

double scoreDiff(const std::vector<DetectedObject>& a, const std::vector<DetectedObject>& b) {
  if (a.size() != b.size()) return 1e30;
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, double(std::abs(a[i].score - b[i].score)));
  return m;
}

}  // namespace

TEST(AblationTasks, DetectionSeesTheLastColumnsLevels) {
  Detector detector = Detector::load(kData + "/det_cascade_mask_rcnn_revcol_shrunk.pth");
  const cv::Mat rgb = loadImageRgb(kData + "/det/det_input.png");
  DetectOptions o;
  o.scale_long = 640;
  o.scale_short = 400;
  const auto plain = detector.detect(rgb, o).objects;
  ASSERT_FALSE(plain.empty());
  o.ablation = Ablation{Ablation::Kind::StopAfterColumn, 3, 0};  // the last column: nothing changes
  EXPECT_LT(scoreDiff(detector.detect(rgb, o).objects, plain), 1e-4);
  o.ablation = Ablation{Ablation::Kind::ZeroLevel, 3, 0};  // the FPN reads c0 of the last column
  EXPECT_GT(scoreDiff(detector.detect(rgb, o).objects, plain), 1e-3);
  o.ablation = Ablation{Ablation::Kind::StopAfterColumn, 1, 0};  // the neck reads column 1 instead
  EXPECT_GT(scoreDiff(detector.detect(rgb, o).objects, plain), 1e-3);
}

TEST(AblationTasks, SegmentationSeesTheLastColumnsLevels) {
  Segmenter segmenter = Segmenter::load(kData + "/seg/seg_upernet_revcol_shrunk.pth");
  const cv::Mat rgb = loadImageRgb(kData + "/seg/seg_input.png");
  SegmentOptions o;
  const cv::Mat plain = segmenter.segment(rgb, o).labels;
  o.ablation = Ablation{Ablation::Kind::MeanLevel, 3, 2};
  const cv::Mat ablated = segmenter.segment(rgb, o).labels;
  ASSERT_EQ(ablated.size(), plain.size());
  EXPECT_GT(cv::countNonZero(ablated != plain), 0);
}
