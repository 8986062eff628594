// revcol-cli evaluate end to end: a model scored against its own answers scores perfectly, its
// figures agree with what classify reports image by image, and bad inputs give a reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "pipeline/cli_runner.h"
#include "revcol/class_labels.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kData = REVCOL_TEST_DATA;
const std::string kResources = REVCOL_RESOURCE_DIR;
const std::string kModels = std::string(REVCOL_MODELS_DIR) + "/demo";

fs::path freshDir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

json runJson(const std::string& arguments) {
  const CliRun r = runRevcolCli(arguments);
  EXPECT_EQ(r.status, 0) << arguments;
  return json::parse(r.out);
}

// Ground truth made of the detector's own confident detections (boxes and masks): every one of them
// is found again with IoU 1 before any other detection of its class, so AP is 1 for boxes and masks.
TEST(EvaluateCli, DetectorScoredAgainstItsOwnDetectionsHasApOne) {
  const fs::path dir = freshDir("revcol_evaluate_det");
  const std::string ckpt = kData + "/det_cascade_mask_rcnn_revcol_shrunk.pth";
  const std::string image = kData + "/det/det_input.png";
  const CliRun det = runRevcolCli("detect --checkpoint " + ckpt + " --scale 640,400 --score-thr 0.3 --out " +
                                  dir.string() + " " + image);
  ASSERT_EQ(det.status, 0);
  const json found = json::parse(readAll(dir / "det_input.json"));
  ASSERT_GE(found.size(), 2u) << "the fixture should find a few objects above 0.3";

  const std::vector<std::string> names = revcol::readLabelFile(kResources + "/labels/coco80.txt");
  json categories = json::array(), annotations = json::array();
  for (size_t k = 0; k < names.size(); ++k) categories.push_back({{"id", k + 1}, {"name", names[k]}});
  for (size_t i = 0; i < found.size(); ++i) {
    const json& d = found[i];
    const double area = d["bbox"][2].get<double>() * d["bbox"][3].get<double>();
    annotations.push_back({{"id", i + 1},
                           {"image_id", 7},
                           {"category_id", d["category_id"].get<int>() + 1},
                           {"bbox", d["bbox"]},
                           {"area", area},
                           {"iscrowd", 0},
                           {"segmentation", d["segmentation"]}});
  }
  const json doc = {{"images", {{{"id", 7}, {"file_name", "det_input.png"}, {"width", 480}, {"height", 320}}}},
                    {"categories", categories},
                    {"annotations", annotations}};
  std::ofstream(dir / "annotations.json") << doc.dump();

  const json e = runJson("evaluate --json --checkpoint " + ckpt + " --scale 640,400 --annotations " +
                         (dir / "annotations.json").string() + " " + image);
  EXPECT_EQ(e["task"], "detection");
  EXPECT_EQ(e["images"], 1);
  EXPECT_EQ(e["objects"], found.size());
  EXPECT_GT(e["detections"].get<int>(), int(found.size()));  // the default 0.05 threshold keeps more
  EXPECT_DOUBLE_EQ(e["bbox"]["AP"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(e["segm"]["AP"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(e["bbox"]["AR100"].get<double>(), 1.0);
  // A class with no object has no AP (null), not 0.
  EXPECT_TRUE(e["bbox"]["per_class"][0]["AP"].is_null() || e["bbox"]["per_class"][0]["instances"] > 0);

  // Without the image on the command line, the file's images are read from beside it.
  fs::copy_file(image, dir / "det_input.png");
  const json all = runJson("evaluate --json --checkpoint " + ckpt + " --scale 640,400 --annotations " +
                           (dir / "annotations.json").string());
  EXPECT_DOUBLE_EQ(all["bbox"]["AP"].get<double>(), 1.0);
  fs::remove_all(dir);
}

TEST(EvaluateCli, ClassifierAccuracyAgreesWithClassify) {
  const std::string ckpt = kModels + "/revcol_fashion_cls.pth";
  const std::string folder = kResources + "/samples/fashion_labelled";
  const json e = runJson("evaluate --json --checkpoint " + ckpt + " " + folder);
  ASSERT_EQ(e["task"], "classification");
  ASSERT_EQ(e["images"], 100);
  // The same images through classify, one answer per head, counted here.
  std::string cmd = "classify --json --all-heads --topk 5 --checkpoint " + ckpt;
  std::vector<int> truth;
  std::vector<fs::path> files;
  for (const auto& f : fs::recursive_directory_iterator(folder))
    if (f.path().extension() == ".png") files.push_back(f.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    cmd += " " + f.string();
    truth.push_back(std::stoi(f.parent_path().filename().string()));
  }
  const json c = runJson(cmd);
  ASSERT_EQ(c.size(), truth.size());
  const json& heads = e["heads"];
  ASSERT_EQ(heads.size(), c[0]["heads"].size());
  for (size_t k = 0; k < heads.size(); ++k) {
    int top1 = 0, top5 = 0;
    for (size_t i = 0; i < truth.size(); ++i) {
      const json& top = c[i]["heads"][k]["top"];
      top1 += top[0]["index"] == truth[i];
      for (const json& t : top) top5 += t["index"] == truth[i];
    }
    EXPECT_DOUBLE_EQ(heads[k]["top1"].get<double>(), top1 / 100.0) << "head " << k;
    EXPECT_DOUBLE_EQ(heads[k]["top5"].get<double>(), top5 / 100.0) << "head " << k;
  }
}

// The segmenter's own label maps as ground truth: every class it predicts has IoU 1.
TEST(EvaluateCli, SegmenterScoredAgainstItsOwnLabelMapsHasMeanIouOne) {
  const fs::path dir = freshDir("revcol_evaluate_seg");
  const std::string ckpt = kModels + "/revcol_fashion_upernet.pth";
  const std::string images = kResources + "/samples/fashion_scenes/scene_005000.png " + kResources +
                             "/samples/fashion_scenes/scene_005001.png";
  ASSERT_EQ(runRevcolCli("segment --checkpoint " + ckpt + " --out " + dir.string() + " " + images).status, 0);
  fs::create_directories(dir / "maps");
  for (const char* stem : {"scene_005000", "scene_005001"})
    fs::copy_file(dir / (std::string(stem) + "_label.png"), dir / "maps" / (std::string(stem) + ".png"));
  const json e =
      runJson("evaluate --json --checkpoint " + ckpt + " --label-maps " + (dir / "maps").string() + " " + images);
  EXPECT_EQ(e["task"], "segmentation");
  EXPECT_EQ(e["images"], 2);
  EXPECT_DOUBLE_EQ(e["miou"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(e["pixel_accuracy"].get<double>(), 1.0);
  // Against the scenes' true label maps (found beside them) it is the model's real, lower score.
  const json truth = runJson("evaluate --json --checkpoint " + ckpt + " " + images);
  EXPECT_LT(truth["miou"].get<double>(), 1.0);
  fs::remove_all(dir);
}

TEST(EvaluateCli, MissingGroundTruthGivesAReason) {
  CliRun r = runRevcolCli(
      "evaluate --checkpoint " + kData + "/det_cascade_mask_rcnn_revcol_shrunk.pth " + kData + "/det/det_input.png",
      "2>&1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("--annotations"), std::string::npos) << r.out;
  r = runRevcolCli("evaluate --checkpoint " + kModels + "/revcol_fashion_upernet.pth " + kData + "/det/det_input.png",
                   "2>&1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("no label map"), std::string::npos) << r.out;
  r = runRevcolCli("evaluate --checkpoint " + kModels + "/revcol_fashion_cls.pth " + kResources + "/samples/photos",
                   "2>&1");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line: " << r.out;
}

}  // namespace
