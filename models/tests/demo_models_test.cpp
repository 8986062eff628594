// The committed demo models reach the accuracy / mIoU recorded at training time (models/demo/*.json,
// written by revcol-train) on freshly regenerated held-out FashionScenes, through revcol-cli: the
// generator, the safe checkpoint reader, the preprocessing and the heads all take part.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
const fs::path kDemo = fs::path(REVCOL_MODELS_DIR) / "demo";
// Same images, same weights: only float rounding in another code path can move a prediction.
constexpr double kTolerance = 0.01;

nlohmann::json readJson(const fs::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return nlohmann::json::parse(in);
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + cmd);
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  if (pclose(pipe) != 0) throw std::runtime_error("failed: " + cmd);
  return out;
}

fs::path freshDir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / name;
  fs::remove_all(d);
  return d;
}

TEST(DemoModels, ClassifierReachesItsRecordedHeldOutAccuracy) {
  const nlohmann::json m = readJson(kDemo / "revcol_fashion_cls.pth.json");
  const nlohmann::json& e = m.at("eval_200");
  const fs::path dir = freshDir("revcol_demo_cls_test");
  run(std::string(REVCOL_FASHION_SCENES) + " --task cls --split test --seed " +
      std::to_string(e.at("seed").get<int>()) + " --count " + std::to_string(e.at("count").get<int>()) + " --size " +
      std::to_string(m.at("image_size").get<int>()) + " --out " + dir.string());
  const nlohmann::json r = nlohmann::json::parse(run(std::string(REVCOL_CLI) + " evaluate --json --checkpoint " +
                                                     (kDemo / "revcol_fashion_cls.pth").string() + " " + dir.string()));
  ASSERT_EQ(r.at("images").get<int>(), e.at("count").get<int>());
  const std::vector<double> recorded = e.at("head_accuracy").get<std::vector<double>>();
  ASSERT_EQ(r.at("heads").size(), recorded.size());
  for (size_t k = 0; k < recorded.size(); ++k)
    EXPECT_NEAR(r.at("heads")[k].at("top1").get<double>(), recorded[k], kTolerance) << "head " << k;
  fs::remove_all(dir);
}

TEST(DemoModels, SegmenterReachesItsRecordedHeldOutMeanIoU) {
  const nlohmann::json m = readJson(kDemo / "revcol_fashion_upernet.pth.json");
  const nlohmann::json& e = m.at("eval_100");
  const std::string size = std::to_string(m.at("image_size").get<int>());
  const fs::path dir = freshDir("revcol_demo_seg_test");
  run(std::string(REVCOL_FASHION_SCENES) + " --task scenes --split test --seed " +
      std::to_string(e.at("seed").get<int>()) + " --count " + std::to_string(e.at("count").get<int>()) + " --size " +
      size + " --out " + dir.string());
  const nlohmann::json r = nlohmann::json::parse(
      run(std::string(REVCOL_CLI) + " evaluate --json --scale " + size + "," + size + " --label-maps " +
          (dir / "labels").string() + " --checkpoint " + (kDemo / "revcol_fashion_upernet.pth").string() + " " +
          (dir / "images").string()));
  ASSERT_EQ(r.at("images").get<int>(), e.at("count").get<int>());
  EXPECT_NEAR(r.at("miou").get<double>(), e.at("miou").get<double>(), kTolerance);
  EXPECT_NEAR(r.at("pixel_accuracy").get<double>(), e.at("pixel_accuracy").get<double>(), kTolerance);
  fs::remove_all(dir);
}

}  // namespace
