// The committed demo models reach the accuracy / mIoU recorded at training time (models/demo/*.json,
// written by revcol-train) on freshly regenerated held-out FashionScenes, through revcol-cli: the
// generator, the safe checkpoint reader, the preprocessing and the heads all take part.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

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
  std::string cmd = std::string(REVCOL_CLI) + " classify --preprocess none --topk 1 --all-heads --json --checkpoint " +
                    (kDemo / "revcol_fashion_cls.pth").string();
  std::vector<int> truth;
  for (const auto& e2 : fs::recursive_directory_iterator(dir)) {
    if (e2.path().extension() != ".png") continue;
    cmd += " " + e2.path().string();
    truth.push_back(std::stoi(e2.path().parent_path().filename().string()));  // "<k>_<class>" folders
  }
  ASSERT_EQ(truth.size(), e.at("count").get<size_t>());
  const nlohmann::json results = nlohmann::json::parse(run(cmd));
  const std::vector<double> recorded = e.at("head_accuracy").get<std::vector<double>>();
  std::vector<int> correct(recorded.size(), 0);
  for (size_t i = 0; i < truth.size(); ++i) {
    const auto& heads = results.at(i).at("heads");
    ASSERT_EQ(heads.size(), recorded.size());
    for (size_t k = 0; k < heads.size(); ++k) correct[k] += heads[k].at("top")[0].at("index").get<int>() == truth[i];
  }
  for (size_t k = 0; k < recorded.size(); ++k)
    EXPECT_NEAR(double(correct[k]) / double(truth.size()), recorded[k], kTolerance) << "head " << k;
  fs::remove_all(dir);
}

TEST(DemoModels, SegmenterReachesItsRecordedHeldOutMeanIoU) {
  const nlohmann::json m = readJson(kDemo / "revcol_fashion_upernet.pth.json");
  const nlohmann::json& e = m.at("eval_100");
  const int size = m.at("image_size").get<int>();
  const fs::path dir = freshDir("revcol_demo_seg_test");
  run(std::string(REVCOL_FASHION_SCENES) + " --task scenes --split test --seed " +
      std::to_string(e.at("seed").get<int>()) + " --count " + std::to_string(e.at("count").get<int>()) + " --size " +
      std::to_string(size) + " --out " + dir.string());
  std::string cmd = std::string(REVCOL_CLI) + " segment --scale " + std::to_string(size) + "," + std::to_string(size) +
                    " --out " + (dir / "pred").string() + " --checkpoint " +
                    (kDemo / "revcol_fashion_upernet.pth").string();
  std::vector<fs::path> images;
  for (const auto& f : fs::directory_iterator(dir / "images")) images.push_back(f.path());
  for (const auto& p : images) cmd += " " + p.string();
  run(cmd + " > /dev/null");
  constexpr int kClasses = 11;
  std::vector<double> inter(kClasses, 0), uni(kClasses, 0);
  for (const auto& p : images) {
    const cv::Mat truth = cv::imread((dir / "labels" / p.filename()).string(), cv::IMREAD_UNCHANGED);
    const cv::Mat pred = cv::imread((dir / "pred" / (p.stem().string() + "_label.png")).string(), cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(pred.empty()) << p;
    ASSERT_EQ(pred.size(), truth.size());
    for (int c = 0; c < kClasses; ++c) {
      inter[c] += cv::countNonZero((pred == c) & (truth == c));
      uni[c] += cv::countNonZero((pred == c) | (truth == c));
    }
  }
  double sum = 0;
  int present = 0;
  for (int c = 0; c < kClasses; ++c)
    if (uni[c] > 0) sum += inter[c] / uni[c], ++present;
  EXPECT_NEAR(sum / present, e.at("miou").get<double>(), kTolerance);
  fs::remove_all(dir);
}

}  // namespace
