// FashionScenes is deterministic (same seed, same bytes, in any order of generation) and its
// annotations are exact (label map, instance masks and boxes agree pixel for pixel).
#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fashion/fashion_mnist.h"
#include "fashion/scene_generator.h"

namespace revcol::fashion {
namespace {

const FashionMnist& testSplit() {
  static const FashionMnist data = loadFashionMnist(defaultFashionMnistDir(), "test");
  return data;
}

bool sameMat(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::countNonZero(a.reshape(1) != b.reshape(1)) == 0;
}

TEST(FashionScenes, SameSeedSameScene) {
  const Scene a = makeScene(testSplit(), 7, 3), b = makeScene(testSplit(), 7, 3);
  EXPECT_TRUE(sameMat(a.image, b.image));
  EXPECT_TRUE(sameMat(a.labels, b.labels));
  ASSERT_EQ(a.items.size(), b.items.size());
  // Sample 3 does not depend on what was generated before it.
  makeScene(testSplit(), 7, 2);
  EXPECT_TRUE(sameMat(a.image, makeScene(testSplit(), 7, 3).image));
  // Another seed or index gives another scene.
  EXPECT_FALSE(sameMat(a.image, makeScene(testSplit(), 8, 3).image));
  EXPECT_FALSE(sameMat(a.image, makeScene(testSplit(), 7, 4).image));
}

TEST(FashionScenes, AnnotationsAgreeWithTheLabelMap) {
  for (int i = 0; i < 20; ++i) {
    const Scene s = makeScene(testSplit(), 1, i);
    ASSERT_FALSE(s.items.empty());
    cv::Mat covered = cv::Mat::zeros(s.labels.size(), CV_8U);
    for (const SceneItem& item : s.items) {
      EXPECT_EQ(cv::countNonZero(item.mask), item.area);
      EXPECT_EQ(cv::countNonZero(item.mask(item.box)), item.area) << "box must hold the whole visible mask";
      EXPECT_EQ(cv::countNonZero(covered & item.mask), 0) << "visible masks must not overlap";
      EXPECT_EQ(cv::countNonZero((s.labels != 1 + item.category) & (item.mask != 0)), 0);
      covered |= item.mask;
    }
    EXPECT_EQ(cv::countNonZero(s.labels), cv::countNonZero(covered));
  }
}

TEST(FashionScenes, ClassificationSamplesAreDeterministic) {
  const ClassificationSample a = makeClassificationSample(testSplit(), 2023, 5);
  const ClassificationSample b = makeClassificationSample(testSplit(), 2023, 5);
  EXPECT_TRUE(sameMat(a.image, b.image));
  EXPECT_EQ(a.label, b.label);
  EXPECT_EQ(a.label, testSplit().labels[size_t(a.source_index)]);
  EXPECT_EQ(a.image.rows, 64);
}

std::string readAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The CLI writes byte-identical files for the same seed (PNG encoding included).
TEST(FashionScenes, CliSameSeedSameBytes) {
  const auto root = std::filesystem::temp_directory_path() / "revcol_fashion_scenes_test";
  std::filesystem::remove_all(root);
  for (const char* run : {"a", "b"}) {
    const std::string cmd = std::string(REVCOL_FASHION_SCENES) + " --split test --count 4 --seed 9 --out " +
                            (root / run).string() + " && " + REVCOL_FASHION_SCENES +
                            " --split test --count 4 --seed 9 --task cls --out " + (root / run / "cls").string();
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  int files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root / "a")) {
    if (!e.is_regular_file()) continue;
    const auto rel = std::filesystem::relative(e.path(), root / "a");
    EXPECT_EQ(readAll(e.path()), readAll(root / "b" / rel)) << rel;
    ++files;
  }
  EXPECT_EQ(files, 4 * 2 + 1 + 4 + 1);  // images + labels + annotations.json, cls images + labels.txt
  EXPECT_NE(std::system((std::string(REVCOL_FASHION_SCENES) + " --split nope --count 1 --out " + (root / "c").string() +
                         " 2>/dev/null")
                            .c_str()),
            0);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace revcol::fashion
