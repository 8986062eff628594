// Ground truth beside an input: the fashion scenes' label maps and COCO annotations, an image with
// nothing beside it, and malformed or mismatched files (one-line errors naming the file).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "revcol/error.h"
#include "revcol/ground_truth.h"
#include "revcol/segmenter.h"

namespace fs = std::filesystem;

namespace revcol {
namespace {

const fs::path kScenes = fs::path(REVCOL_SOURCE_DIR) / "resources" / "samples" / "fashion_scenes";

// A fresh folder under the test temp dir, removed when the test ends.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name) : path(fs::path(::testing::TempDir()) / name) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

void writeText(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

// The error findGroundTruth throws for `image`, which must be one line naming `file`.
std::string errorFor(const fs::path& image, const fs::path& file) {
  try {
    findGroundTruth(image.string());
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    EXPECT_NE(what.find(file.string()), std::string::npos) << what;
    return what;
  }
  ADD_FAILURE() << "no error for " << image;
  return {};
}

TEST(GroundTruth, SceneGetsItsLabelMapAndItsObjects) {
  const fs::path image = kScenes / "scene_005000.png";
  const std::optional<GroundTruth> gt = findGroundTruth(image.string());
  ASSERT_TRUE(gt);
  const cv::Mat rgb = cv::imread(image.string());
  ASSERT_EQ(gt->label_map.size(), rgb.size());
  EXPECT_EQ(gt->label_map.type(), CV_8U);
  EXPECT_NE(gt->source.find("scene_005000_labels.png"), std::string::npos) << gt->source;
  EXPECT_NE(gt->source.find("annotations.json"), std::string::npos) << gt->source;
  EXPECT_EQ(gt->label_map_file, (kScenes / "scene_005000_labels.png").string());
  EXPECT_EQ(gt->objects_file, (kScenes / "annotations.json").string());

  // annotations.json: image 5000 ("images/005000.png") holds one Pullover at [48, 39, 39, 59].
  ASSERT_EQ(gt->objects.size(), 1u);
  const GroundTruthObject& o = gt->objects[0];
  EXPECT_EQ(o.category_id, 3);
  EXPECT_EQ(o.name, "Pullover");
  EXPECT_EQ(o.box, (std::array<float, 4>{48.f, 39.f, 87.f, 98.f}));

  // The label map says the same: 0 background, 1 + Fashion-MNIST class = the COCO category id, inside the box.
  double lo = 0, hi = 0;
  cv::minMaxLoc(gt->label_map, &lo, &hi);
  EXPECT_EQ(lo, 0);
  EXPECT_EQ(hi, 3);
  const cv::Rect drawn = cv::boundingRect(gt->label_map);
  EXPECT_GE(drawn.x, 48 - 1);
  EXPECT_GE(drawn.y, 39 - 1);
  EXPECT_LE(drawn.x + drawn.width, 87 + 1);
  EXPECT_LE(drawn.y + drawn.height, 98 + 1);
}

TEST(GroundTruth, EverySceneHasBothKindsAndTheirClassesAgree) {
  for (const char* scene : {"scene_005001.png", "scene_005002.png", "scene_005003.png"}) {
    const std::optional<GroundTruth> gt = findGroundTruth((kScenes / scene).string());
    ASSERT_TRUE(gt) << scene;
    EXPECT_FALSE(gt->label_map.empty()) << scene;
    EXPECT_FALSE(gt->objects.empty()) << scene;
    for (const GroundTruthObject& o : gt->objects) {
      const cv::Rect box(cv::Point(int(o.box[0]), int(o.box[1])), cv::Point(int(o.box[2]), int(o.box[3])));
      const cv::Mat inside = gt->label_map(box & cv::Rect(0, 0, gt->label_map.cols, gt->label_map.rows));
      EXPECT_GT(cv::countNonZero(inside == o.category_id), 0) << scene << ": " << o.name;
    }
  }
}

// The segmentation demo's class k is label value k: background first, then Fashion-MNIST's order,
// which is the order of the COCO categories (id = k).
TEST(GroundTruth, LabelValuesAreTheSegmentationDemosClassIndices) {
  const Segmenter s = Segmenter::load(REVCOL_SOURCE_DIR "/models/demo/revcol_fashion_upernet.pth");
  const std::optional<GroundTruth> gt = findGroundTruth((kScenes / "scene_005002.png").string());
  ASSERT_TRUE(gt);
  for (const GroundTruthObject& o : gt->objects) {
    ASSERT_LT(size_t(o.category_id), s.classNames().size());
    EXPECT_EQ(s.classNames()[size_t(o.category_id)], o.name);
  }
}

TEST(GroundTruth, AnImageWithNothingBesideItHasNone) {
  EXPECT_FALSE(findGroundTruth(REVCOL_SOURCE_DIR "/resources/samples/shapes.png"));
  EXPECT_FALSE(findGroundTruth(REVCOL_SOURCE_DIR "/resources/samples/photos/chelsea.jpg"));
}

TEST(GroundTruth, AnnotationsThatDoNotListTheImageGiveNone) {
  TempDir dir("revcol_gt_unlisted");
  fs::copy_file(kScenes / "scene_005000.png", dir.path / "other.png");
  fs::copy_file(kScenes / "annotations.json", dir.path / "annotations.json");
  EXPECT_FALSE(findGroundTruth((dir.path / "other.png").string()));
}

TEST(GroundTruth, FileNameMatchTakesTheEntryOfThatName) {
  TempDir dir("revcol_gt_by_name");
  fs::copy_file(kScenes / "scene_005001.png", dir.path / "a.png");
  writeText(dir.path / "annotations.json",
            R"({"images": [{"file_name": "sub/a.png", "id": 7, "width": 128, "height": 128}],
    "annotations": [{"image_id": 7, "bbox": [1, 2, 3, 4], "category_id": 2},
                    {"image_id": 8, "bbox": [0, 0, 1, 1], "category_id": 2}],
    "categories": [{"id": 2, "name": "Trouser"}]})");
  const std::optional<GroundTruth> gt = findGroundTruth((dir.path / "a.png").string());
  ASSERT_TRUE(gt);
  EXPECT_TRUE(gt->label_map.empty());
  ASSERT_EQ(gt->objects.size(), 1u);
  EXPECT_EQ(gt->objects[0].box, (std::array<float, 4>{1.f, 2.f, 4.f, 6.f}));
  EXPECT_EQ(gt->objects[0].name, "Trouser");
  EXPECT_EQ(gt->source, (dir.path / "annotations.json").string());
  EXPECT_EQ(gt->objects_file, gt->source);
  EXPECT_TRUE(gt->label_map_file.empty());
}

TEST(GroundTruth, MalformedAnnotationsGiveAOneLineErrorNamingTheFile) {
  TempDir dir("revcol_gt_malformed");
  fs::copy_file(kScenes / "scene_005000.png", dir.path / "scene_005000.png");
  const fs::path json = dir.path / "annotations.json";
  const fs::path image = dir.path / "scene_005000.png";
  writeText(json, "{\"images\": [ {\"file_name\": ");
  EXPECT_NE(errorFor(image, json).find("not valid JSON"), std::string::npos);
  writeText(json, R"({"images": {"file_name": "scene_005000.png"}})");
  EXPECT_NE(errorFor(image, json).find("\"images\" is not an array"), std::string::npos);
  writeText(json, R"({"images": [{"file_name": "scene_005000.png", "id": "one", "width": 128, "height": 128}]})");
  EXPECT_NE(errorFor(image, json).find("images[0].id is not an integer"), std::string::npos);
  writeText(json, R"({"images": [{"file_name": "scene_005000.png", "id": 1, "width": 128, "height": 128}],
    "annotations": [{"image_id": 1, "bbox": [1, 2, 3], "category_id": 1}]})");
  EXPECT_NE(errorFor(image, json).find("annotations[0].bbox"), std::string::npos);
  writeText(json, R"({"images": [{"file_name": "scene_005000.png", "id": 1, "width": 128, "height": 128}],
    "annotations": [{"image_id": 1, "bbox": [1, 2, 3, 4], "category_id": 9}], "categories": [{"id": 1, "name": "x"}]})");
  EXPECT_NE(errorFor(image, json).find("category_id 9"), std::string::npos);
}

TEST(GroundTruth, SizesThatDisagreeWithTheImageAreErrors) {
  TempDir dir("revcol_gt_size");
  fs::copy_file(kScenes / "scene_005000.png", dir.path / "scene.png");
  const fs::path image = dir.path / "scene.png";
  // A label map of another size.
  const fs::path labels = dir.path / "scene_labels.png";
  cv::imwrite(labels.string(), cv::Mat::zeros(64, 64, CV_8U));
  EXPECT_NE(errorFor(image, labels).find("64x64"), std::string::npos);
  // A colour image is not a label map.
  cv::imwrite(labels.string(), cv::Mat::zeros(128, 128, CV_8UC3));
  EXPECT_NE(errorFor(image, labels).find("3 channels"), std::string::npos);
  fs::remove(labels);
  // An entry naming this file with another size.
  const fs::path json = dir.path / "annotations.json";
  writeText(json, R"({"images": [{"file_name": "scene.png", "id": 1, "width": 256, "height": 128}]})");
  EXPECT_NE(errorFor(image, json).find("256x128"), std::string::npos);
}

TEST(GroundTruth, LargeAnnotationFilesAreRefused) {
  TempDir dir("revcol_gt_large");
  fs::copy_file(kScenes / "scene_005000.png", dir.path / "scene.png");
  const fs::path json = dir.path / "annotations.json";
  {
    std::ofstream out(json);
    out << "{\"images\": []";
  }
  fs::resize_file(json, (64ull << 20) + 1);
  EXPECT_NE(errorFor(dir.path / "scene.png", json).find("64 MB"), std::string::npos);
}

}  // namespace
}  // namespace revcol
