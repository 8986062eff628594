// COCO RLE (pycocotools' rleEncode / rleToString, hand-computed), the results JSON, the overlay,
// and `revcol-cli detect` end to end on the detection fixture.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "revcol/detector.h"
#include "revcol/image_io.h"

namespace fs = std::filesystem;

namespace revcol {
namespace {

const std::string kData = REVCOL_TEST_DATA;

TEST(DetCocoRle, ColumnMajorRunsStartingWithZeros) {
  // 3 x 2 mask, columns (0,1,1) and (1,0,0): column-major sequence 0 1 1 1 0 0 -> runs 1, 3, 2.
  cv::Mat m = (cv::Mat_<uint8_t>(3, 2) << 0, 255, 1, 0, 1, 0);
  const CocoRle rle = encodeCocoRle(m);
  EXPECT_EQ(rle.counts, (std::vector<uint32_t>{1, 3, 2}));
  EXPECT_EQ(rle.height, 3);
  EXPECT_EQ(rle.width, 2);
  // A mask that starts with a one has an empty first run.
  cv::Mat ones(2, 2, CV_8U, cv::Scalar(1));
  EXPECT_EQ(encodeCocoRle(ones).counts, (std::vector<uint32_t>{0, 4}));
  const cv::Mat binary = (m > 0) & 1;
  EXPECT_EQ(cv::norm(decodeCocoRle(encodeCocoRle(m)), binary, cv::NORM_INF), 0.0);
}

TEST(DetCocoRle, CompressedStringAsPycocotools) {
  CocoRle rle;
  rle.height = 7;
  rle.width = 1;
  rle.counts = {1, 2, 3, 1};  // 4th count stored as 1 - 2 = -1 -> 31 + 48 = 'O'
  EXPECT_EQ(cocoRleString(rle), "123O");
  rle.counts = {4};
  EXPECT_EQ(cocoRleString(rle), "4");
  // 100 = 0b11_00100: low 5 bits 4 with the continuation bit (0x24 + 48 = 'T'), then 3 ('3').
  rle.counts = {100};
  EXPECT_EQ(cocoRleString(rle), "T3");
  // 16 needs two characters: 16 has bit 4 set, which would read as negative -> '`' then '0'.
  rle.counts = {16};
  EXPECT_EQ(cocoRleString(rle), "`0");
  for (const std::vector<uint32_t>& c :
       {std::vector<uint32_t>{1, 2, 3, 1}, std::vector<uint32_t>{0, 5000, 17, 123456, 3, 3, 70000}}) {
    rle.counts = c;
    EXPECT_EQ(cocoRleFromString(cocoRleString(rle), 1, 1).counts, c);
  }
}

TEST(DetCocoJson, BoxesAsXywhAndRleSegmentation) {
  DetectedObject o;
  o.label = 2;
  o.name = "car \"x\"";
  o.score = 0.5f;
  o.box = {10.f, 20.f, 30.5f, 60.f};
  o.mask = cv::Mat::zeros(4, 3, CV_8U);
  o.mask.at<uint8_t>(1, 0) = 255;
  const nlohmann::json j = nlohmann::json::parse(detectionsToCocoJson({o}));
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["bbox"], (std::vector<double>{10, 20, 20.5, 40}));
  EXPECT_EQ(j[0]["category_id"], 2);
  EXPECT_EQ(j[0]["category"], "car \"x\"");
  EXPECT_EQ(j[0]["segmentation"]["size"], (std::vector<int>{4, 3}));
  EXPECT_EQ(j[0]["segmentation"]["counts"], "11:");  // runs 1, 1, 10; the 3rd count is stored as is
  EXPECT_EQ(nlohmann::json::parse(detectionsToCocoJson({})).size(), 0u);
}

TEST(DetOverlay, DrawsMasksAndBoxes) {
  cv::Mat img(40, 60, CV_8UC3, cv::Scalar(0, 0, 0));
  DetectedObject o;
  o.label = 0;
  o.name = "person";
  o.score = 0.9f;
  o.box = {5.f, 10.f, 50.f, 35.f};
  o.mask = cv::Mat::zeros(40, 60, CV_8U);
  o.mask(cv::Rect(20, 20, 10, 10)).setTo(255);
  const cv::Mat out = drawDetections(img, {o});
  EXPECT_EQ(out.size(), img.size());
  EXPECT_GT(cv::norm(out.at<cv::Vec3b>(25, 25)), 0.0);  // tinted by the mask
  EXPECT_EQ(cv::norm(out.at<cv::Vec3b>(38, 58)), 0.0);  // outside box, mask and label
}

int run(const std::string& arguments, std::string* out = nullptr) {
  const CliRun r = runRevcolCli(arguments, "2>&1");
  if (out) *out = r.out;
  return r.status;
}

TEST(DetCli, WritesCocoJsonOverlayAndRawArrays) {
  const fs::path out = fs::temp_directory_path() / "revcol_det_cli_test";
  fs::remove_all(out);
  std::string text;
  const int status = run("detect --checkpoint " + kData +
                             "/det_cascade_mask_rcnn_revcol_shrunk.pth --scale 640,400 "
                             "--score-thr 0.001 --raw --out " +
                             out.string() + " " + kData + "/det/det_input.png",
                         &text);
  ASSERT_EQ(status, 0) << text;
  std::ifstream in(out / "det_input.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  ASSERT_EQ(j.size(), 100u);
  std::ifstream ein(kData + "/det/det_expected.json");
  const nlohmann::json e = nlohmann::json::parse(ein)["detections"][0];
  EXPECT_EQ(j[0]["category_id"], e["label"]);
  EXPECT_EQ(j[0]["category"], "chair");  // label 56, name from meta.CLASSES
  EXPECT_NEAR(j[0]["bbox"][0].get<double>(), e["bbox"][0].get<double>(), 0.05);
  EXPECT_NEAR(j[0]["bbox"][2].get<double>(), e["bbox"][2].get<double>() - e["bbox"][0].get<double>(), 0.05);
  EXPECT_NEAR(j[0]["score"].get<double>(), e["score"].get<double>(), 1e-3);
  const CocoRle rle = cocoRleFromString(j[0]["segmentation"]["counts"], 320, 480);
  EXPECT_NEAR(double(cv::countNonZero(decodeCocoRle(rle))), e["mask_area"].get<double>(),
              0.01 * e["mask_area"].get<double>());
  const cv::Mat overlay = loadImageRgb((out / "det_input_overlay.png").string());
  EXPECT_EQ(overlay.cols, 480);
  EXPECT_EQ(overlay.rows, 320);
  for (const char* name : {"input", "backbone.c0", "fpn.p6", "rpn.proposals", "rcnn.stage2.cls_score", "det.bboxes"})
    EXPECT_TRUE(fs::exists(out / "raw" / (std::string("det_input_") + name + ".npy"))) << name;
  fs::remove_all(out);
}

TEST(DetCli, ClassificationCheckpointIsAnError) {
  std::string text;
  EXPECT_EQ(run("detect --checkpoint " + kData + "/cls/cls_revcol_s4_k3.pth " + kData + "/det/det_input.png", &text),
            1);
  EXPECT_NE(text.find("not a detection checkpoint"), std::string::npos) << text;
  EXPECT_EQ(run("detect --checkpoint x.pth --scale 12 " + kData + "/det/det_input.png", &text), 1);
  EXPECT_NE(text.find("--scale"), std::string::npos) << text;
}

}  // namespace
}  // namespace revcol
