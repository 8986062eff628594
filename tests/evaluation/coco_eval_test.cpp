// COCO-style evaluation on small cases worked out by hand (the arithmetic is in the comments),
// and pycocotools' mask functions on shapes whose answer is known.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "revcol/coco_eval.h"
#include "revcol/error.h"

namespace revcol {
namespace {

CocoInstance box(int64_t image, int64_t category, std::array<double, 4> xywh, double score = 0, bool crowd = false) {
  CocoInstance i;
  i.image_id = image;
  i.category_id = category;
  i.bbox = xywh;
  i.area = xywh[2] * xywh[3];
  i.score = score;
  i.iscrowd = crowd;
  return i;
}

CocoDataset twoImages(std::vector<CocoInstance> annotations, int categories = 1) {
  CocoDataset d;
  d.images = {{1, "a.png", 100, 100}, {2, "b.png", 100, 100}};
  for (int c = 1; c <= categories; ++c) d.categories.push_back({c, "class " + std::to_string(c)});
  d.annotations = std::move(annotations);
  return d;
}

TEST(CocoEval, PerfectDetectionsScoreOne) {
  const CocoDataset gt =
      twoImages({box(1, 1, {0, 0, 10, 10}), box(2, 1, {20, 20, 8, 6}), box(2, 2, {50, 50, 20, 20})}, 2);
  const std::vector<CocoInstance> dt = {box(1, 1, {0, 0, 10, 10}, 0.9), box(2, 1, {20, 20, 8, 6}, 0.5),
                                        box(2, 2, {50, 50, 20, 20}, 0.7)};
  const CocoMetrics m = evaluateCoco(gt, dt, CocoIouType::Box);
  EXPECT_DOUBLE_EQ(m.ap(), 1.0);
  EXPECT_DOUBLE_EQ(m.ap50(), 1.0);
  EXPECT_DOUBLE_EQ(m.ap75(), 1.0);
  EXPECT_DOUBLE_EQ(m.stats[3], 1.0);   // all three are small (area < 32^2)
  EXPECT_DOUBLE_EQ(m.stats[4], -1.0);  // no medium object: undefined, as pycocotools prints -1
  EXPECT_DOUBLE_EQ(m.stats[5], -1.0);
  EXPECT_DOUBLE_EQ(m.stats[8], 1.0);
  ASSERT_EQ(m.per_class.size(), 2u);
  EXPECT_DOUBLE_EQ(m.per_class[0].ap, 1.0);
  EXPECT_EQ(m.per_class[0].instances, 2);
  EXPECT_EQ(m.ground_truth, 3);
  EXPECT_EQ(m.detections, 3);
}

// One class, two images with one 10 x 10 object each. Detections by score:
//   d1 0.9 on image 1, IoU 1        -> right at every threshold
//   d2 0.8 on image 2, IoU 50/150   -> wrong at every threshold
//   d3 0.7 on image 2, IoU 82/100   -> right at thresholds .50 .. .80 (7 of 10), wrong at .85 .. .95
// Thresholds .50-.80: recall 1/2, 1/2, 1; precision 1, 1/2, 2/3, made monotone 1, 2/3, 2/3: recall
// points 0 .. .50 (51 of them) read 1, .51 .. 1 (50) read 2/3 -> (51 + 100/3) / 101.
// Thresholds .85-.95: recall stays 1/2: 51 points read 1, 50 read 0 -> 51 / 101.
TEST(CocoEval, TwoImagesWithAFalsePositiveBetweenTwoMatches) {
  const CocoDataset gt = twoImages({box(1, 1, {0, 0, 10, 10}), box(2, 1, {0, 0, 10, 10})});
  const std::vector<CocoInstance> dt = {box(2, 1, {5, 0, 10, 10}, 0.8), box(1, 1, {0, 0, 10, 10}, 0.9),
                                        box(2, 1, {0, 0, 10, 8.2}, 0.7)};
  const CocoMetrics m = evaluateCoco(gt, dt, CocoIouType::Box);
  const double matched = (51 + 100.0 / 3) / 101, unmatched = 51.0 / 101;
  EXPECT_NEAR(m.ap(), (7 * matched + 3 * unmatched) / 10, 1e-12);
  EXPECT_NEAR(m.ap50(), matched, 1e-12);
  EXPECT_NEAR(m.ap75(), matched, 1e-12);
  EXPECT_NEAR(m.stats[3], m.ap(), 1e-12);  // every box is small
  EXPECT_DOUBLE_EQ(m.stats[4], -1.0);
  // AR@1 keeps the best detection per image: d1 and d2, recall 1/2 everywhere.
  EXPECT_NEAR(m.stats[6], 0.5, 1e-12);
  // AR@10, AR@100: recall 1 at 7 thresholds, 1/2 at 3.
  EXPECT_NEAR(m.stats[7], 0.85, 1e-12);
  EXPECT_NEAR(m.stats[8], 0.85, 1e-12);
  ASSERT_EQ(m.per_class.size(), 1u);
  EXPECT_NEAR(m.per_class[0].ap, m.ap(), 1e-12);
  EXPECT_NEAR(m.per_class[0].ap50, matched, 1e-12);
}

// A detection inside a crowd region is matched to it (IoU over the detection's own area = 1) and
// ignored: it is neither right nor wrong. Without the crowd flag the same detection is a false
// positive ranked first: precision 0 then 1/2 (monotone 1/2, 1/2), recall 0 then 1/2 ... of two objects.
TEST(CocoEval, DetectionInsideACrowdRegionIsIgnored) {
  const std::vector<CocoInstance> dt = {box(1, 1, {2, 2, 5, 5}, 0.9), box(1, 1, {30, 30, 10, 10}, 0.5)};
  const CocoMetrics crowd =
      evaluateCoco(twoImages({box(1, 1, {0, 0, 20, 20}, 0, true), box(1, 1, {30, 30, 10, 10})}), dt, CocoIouType::Box);
  EXPECT_DOUBLE_EQ(crowd.ap(), 1.0);
  EXPECT_EQ(crowd.per_class[0].instances, 1);
  // As a regular object (IoU 25/400 with d1): d1 wrong, d2 right; recall 0, 1/2; precision 0, 1/2
  // -> monotone 1/2, 1/2: points 0 .. .50 read 1/2, the rest 0 -> 51 * 0.5 / 101 at every threshold.
  const CocoMetrics regular =
      evaluateCoco(twoImages({box(1, 1, {0, 0, 20, 20}), box(1, 1, {30, 30, 10, 10})}), dt, CocoIouType::Box);
  EXPECT_NEAR(regular.ap(), 51 * 0.5 / 101, 1e-12);
}

// A class without ground truth has no AP (NaN per class) and does not enter the mean; its
// detections are not counted against the other class.
TEST(CocoEval, ClassWithoutGroundTruthIsLeftOutOfTheMean) {
  const CocoDataset gt = twoImages({box(1, 1, {0, 0, 10, 10})}, 2);
  const std::vector<CocoInstance> dt = {box(1, 1, {0, 0, 10, 10}, 0.9), box(1, 2, {40, 40, 10, 10}, 0.95)};
  const CocoMetrics m = evaluateCoco(gt, dt, CocoIouType::Box);
  EXPECT_DOUBLE_EQ(m.ap(), 1.0);
  EXPECT_TRUE(std::isnan(m.per_class[1].ap));
  EXPECT_EQ(m.per_class[1].instances, 0);
}

// Ties in score keep the order the detections were given in (pycocotools' stable mergesort):
// a wrong box given first ranks first.
TEST(CocoEval, EqualScoresKeepTheirInputOrder) {
  const CocoDataset gt = twoImages({box(1, 1, {0, 0, 10, 10})});
  const CocoInstance right = box(1, 1, {0, 0, 10, 10}, 0.5), wrong = box(1, 1, {50, 50, 10, 10}, 0.5);
  EXPECT_DOUBLE_EQ(evaluateCoco(gt, {right, wrong}, CocoIouType::Box).ap(), 1.0);
  // wrong first: precision 0 then 1/2, recall 0 then 1 -> every point reads 1/2.
  EXPECT_NEAR(evaluateCoco(gt, {wrong, right}, CocoIouType::Box).ap(), 0.5, 1e-12);
}

TEST(CocoEval, DetectionOnAnUnlistedImageIsAnError) {
  const CocoDataset gt = twoImages({box(1, 1, {0, 0, 10, 10})});
  EXPECT_THROW(evaluateCoco(gt, {box(7, 1, {0, 0, 10, 10}, 0.5)}, CocoIouType::Box), Error);
}

cv::Mat rectMask(int h, int w, cv::Rect r) {
  cv::Mat m = cv::Mat::zeros(h, w, CV_8U);
  m(r).setTo(1);
  return m;
}

// Mask IoU counts pixels: a 4 x 4 square against the same square shifted by 2 columns overlaps
// in 8 pixels, union 24. Box IoU of the same two boxes is the same 8 / 24 here.
TEST(CocoEval, MaskIouCountsPixels) {
  const CocoRle a = encodeCocoRle(rectMask(10, 10, {1, 1, 4, 4})), b = encodeCocoRle(rectMask(10, 10, {3, 1, 4, 4}));
  EXPECT_NEAR(cocoMaskIou(a, b, false), 8.0 / 24.0, 1e-15);
  EXPECT_NEAR(cocoMaskIou(a, b, true), 8.0 / 16.0, 1e-15);  // crowd: over the detection's area
  EXPECT_NEAR(cocoBoxIou({1, 1, 4, 4}, {3, 1, 4, 4}, false), 8.0 / 24.0, 1e-15);
  EXPECT_DOUBLE_EQ(cocoMaskIou(a, encodeCocoRle(rectMask(10, 10, {7, 7, 2, 2})), false), 0.0);
  EXPECT_DOUBLE_EQ(cocoMaskIou(a, encodeCocoRle(rectMask(9, 10, {1, 1, 4, 4})), false), -1.0);
  EXPECT_EQ(cocoRleArea(a), 16u);
  const std::array<double, 4> expected_box = {1, 1, 4, 4};
  EXPECT_EQ(cocoRleBox(a), expected_box);
}

// Segmentation AP through masks: the right mask and a detection whose mask misses half the object.
TEST(CocoEval, MaskEvaluationUsesMasksNotBoxes) {
  CocoDataset gt = twoImages({box(1, 1, {0, 0, 10, 10})});
  gt.annotations[0].mask = encodeCocoRle(rectMask(100, 100, {0, 0, 10, 10}));
  CocoInstance d = box(1, 1, {0, 0, 10, 10}, 0.9);            // a perfect box ...
  d.mask = encodeCocoRle(rectMask(100, 100, {0, 0, 10, 4}));  // ... with mask IoU 40 / 100
  EXPECT_DOUBLE_EQ(evaluateCoco(gt, {d}, CocoIouType::Box).ap(), 1.0);
  EXPECT_DOUBLE_EQ(evaluateCoco(gt, {d}, CocoIouType::Mask).ap(), 0.0);
  CocoInstance no_mask = box(1, 1, {0, 0, 10, 10}, 0.9);
  EXPECT_THROW(evaluateCoco(gt, {no_mask}, CocoIouType::Mask), Error);
}

// rleFrPoly: a polygon along pixel borders covers exactly the pixels inside it.
TEST(CocoEval, PolygonAlongPixelBordersCoversThePixelsInside) {
  const CocoRle square = cocoRleFromPolygons({{2, 1, 6, 1, 6, 4, 2, 4}}, 8, 8);
  EXPECT_EQ(cocoRleArea(square), 12u);
  const std::array<double, 4> expected_box = {2, 1, 4, 3};
  EXPECT_EQ(cocoRleBox(square), expected_box);
  EXPECT_EQ(cv::norm(decodeCocoRle(square), rectMask(8, 8, {2, 1, 4, 3}), cv::NORM_INF), 0.0);
  // Two polygons of one object are merged.
  const CocoRle two = cocoRleFromPolygons({{0, 0, 2, 0, 2, 2, 0, 2}, {4, 4, 6, 4, 6, 6, 4, 6}}, 8, 8);
  EXPECT_EQ(cocoRleArea(two), 8u);
  EXPECT_THROW(cocoRleFromPolygons({{0, 0, 2, 0}}, 8, 8), Error);
}

std::string writeTemp(const std::string& name, const std::string& text) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path) << text;
  return path;
}

TEST(CocoDatasetReader, ReadsPolygonsAndBothRleForms) {
  const std::string path = writeTemp("revcol_coco_reader.json", R"({
    "images": [{"id": 5, "file_name": "images/005.png", "width": 4, "height": 3}],
    "categories": [{"id": 1, "name": "t-shirt"}, {"id": 2, "name": "bag"}],
    "annotations": [
      {"id": 1, "image_id": 5, "category_id": 1, "bbox": [0, 0, 2, 2], "area": 4, "iscrowd": 0,
       "segmentation": [[0, 0, 2, 0, 2, 2, 0, 2]]},
      {"id": 2, "image_id": 5, "category_id": 2, "bbox": [2, 0, 2, 3], "area": 6, "iscrowd": 1,
       "segmentation": {"size": [3, 4], "counts": [6, 6]}},
      {"id": 3, "image_id": 5, "category_id": 2, "bbox": [2, 0, 2, 3], "area": 6,
       "segmentation": {"size": [3, 4], "counts": "66"}}]})");
  const CocoDataset d = readCocoDataset(path);
  ASSERT_EQ(d.images.size(), 1u);
  EXPECT_EQ(d.images[0].file_name, "images/005.png");
  ASSERT_EQ(d.categories.size(), 2u);
  EXPECT_EQ(d.categories[1].name, "bag");
  ASSERT_EQ(d.annotations.size(), 3u);
  EXPECT_EQ(cocoRleArea(d.annotations[0].mask), 4u);
  EXPECT_TRUE(d.annotations[1].iscrowd);
  EXPECT_EQ(d.annotations[1].mask.counts, (std::vector<uint32_t>{6, 6}));
  EXPECT_EQ(d.annotations[2].mask.counts, (std::vector<uint32_t>{6, 6}));
  EXPECT_FALSE(d.annotations[2].iscrowd);
}

TEST(CocoDatasetReader, MalformedFilesGiveAReason) {
  EXPECT_THROW(readCocoDataset(writeTemp("revcol_coco_bad1.json", "{\"images\": []")), Error);
  EXPECT_THROW(readCocoDataset(writeTemp("revcol_coco_bad2.json", "[1, 2]")), Error);
  try {
    readCocoDataset(writeTemp("revcol_coco_bad3.json", R"({"images": [{"id": 1, "width": 4, "height": 3}],
      "categories": [], "annotations": [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1],
      "segmentation": {"size": [3, 4], "counts": [6, 5]}}]})"));
    FAIL() << "counts that do not cover the image were accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("annotation entry 0"), std::string::npos) << e.what();
  }
  EXPECT_THROW(readCocoDataset("/nonexistent/annotations.json"), Error);
}

}  // namespace
}  // namespace revcol
