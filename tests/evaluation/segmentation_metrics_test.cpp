// mmseg's IoU metric on label maps small enough to count by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "revcol/classification_metrics.h"
#include "revcol/error.h"
#include "revcol/segmentation_metrics.h"

namespace revcol {
namespace {

// Image 1 (2 x 3):  label 0 0 1 / 1 1 255    prediction 0 1 1 / 1 0 2
//   class 0: labelled 2, predicted 2, both 1 -> I 1, U 3
//   class 1: labelled 3, predicted 3, both 2 -> I 2, U 4
//   class 2: labelled 0, predicted 0 (its one prediction sits on an ignored pixel)
// Image 2 (1 x 2):  label 2 2, prediction 2 0 -> class 2 I 1 U 2; class 0 gains a predicted pixel: U 4
TEST(SegmentationScore, SumsIntersectionAndUnionOverImages) {
  SegmentationScore s(3);
  s.add((cv::Mat_<uint8_t>(2, 3) << 0, 1, 1, 1, 0, 2), (cv::Mat_<uint8_t>(2, 3) << 0, 0, 1, 1, 1, 255));
  s.add((cv::Mat_<uint8_t>(1, 2) << 2, 0), (cv::Mat_<uint8_t>(1, 2) << 2, 2));
  const std::vector<double> iou = s.classIou();
  EXPECT_DOUBLE_EQ(iou[0], 1.0 / 4);
  EXPECT_DOUBLE_EQ(iou[1], 2.0 / 4);
  EXPECT_DOUBLE_EQ(iou[2], 1.0 / 2);
  EXPECT_DOUBLE_EQ(s.meanIou(), (0.25 + 0.5 + 0.5) / 3);
  EXPECT_DOUBLE_EQ(s.pixelAccuracy(), 4.0 / 7);  // 1 + 2 + 1 right of 7 labelled pixels
  EXPECT_DOUBLE_EQ(s.classAccuracy()[1], 2.0 / 3);
  EXPECT_EQ(s.images(), 2);
}

TEST(SegmentationScore, ClassThatNeverOccursIsLeftOutOfTheMean) {
  SegmentationScore s(4);
  s.add((cv::Mat_<uint16_t>(1, 2) << 0, 1), (cv::Mat_<uint16_t>(1, 2) << 0, 1));
  EXPECT_TRUE(std::isnan(s.classIou()[3]));
  EXPECT_DOUBLE_EQ(s.meanIou(), 1.0);
}

TEST(SegmentationScore, MismatchedSizesAndForeignLabelsGiveAReason) {
  SegmentationScore s(3);
  EXPECT_THROW(s.add(cv::Mat::zeros(2, 2, CV_8U), cv::Mat::zeros(2, 3, CV_8U)), Error);
  EXPECT_THROW(s.add(cv::Mat::zeros(1, 1, CV_8U), (cv::Mat_<uint8_t>(1, 1) << 7)), Error);
}

TEST(TopKAccuracy, CountsTopOneAndTopFive) {
  TopKAccuracy a;
  a.add({3, 1, 2, 0, 4, 5}, 3);  // top-1
  a.add({3, 1, 2, 0, 4, 5}, 4);  // 5th: top-5 only
  a.add({3, 1, 2, 0, 4, 5}, 5);  // 6th: neither
  EXPECT_EQ(a.count(), 3);
  EXPECT_DOUBLE_EQ(a.top1(), 1.0 / 3);
  EXPECT_DOUBLE_EQ(a.top5(), 2.0 / 3);
}

TEST(LabelledImages, ClassFromLeadingNumberOrName) {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / "revcol_labelled_test";
  fs::remove_all(root);
  fs::create_directories(root / "2_pullover");
  fs::create_directories(root / "T-shirt_top");
  fs::create_directories(root / "empty");
  std::ofstream(root / "2_pullover" / "b.png") << "x";
  std::ofstream(root / "T-shirt_top" / "a.png") << "x";
  std::ofstream(root / "T-shirt_top" / "notes.txt") << "x";
  const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover"};
  const std::vector<LabelledImage> images = labelledImages(root.string(), names);
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(images[0].label, 2);  // sorted by path: "2_pullover/..." first
  EXPECT_EQ(images[1].label, 0);  // "T-shirt_top" matches "T-shirt/top"
  fs::create_directories(root / "7_bag");
  std::ofstream(root / "7_bag" / "c.png") << "x";
  EXPECT_THROW(labelledImages(root.string(), names), Error);  // class 7 of 3
  fs::remove_all(root);
}

}  // namespace
}  // namespace revcol
