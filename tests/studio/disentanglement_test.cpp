// The Disentanglement panel: CKA heat maps over an ImageFolder-style folder through the real
// window and worker, their exports, and the decoder strip.
#include <gtest/gtest.h>

#include <QDir>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "disentanglement_panel.h"
#include "main_window.h"
#include "revcol_widgets/feature_grid.h"
#include "revcol_widgets/heatmap_view.h"
#include "window_wait.h"

namespace fs = std::filesystem;
using namespace revcol::studio;
using revcol::studio::testing::openAndWait;
using revcol::studio::testing::waitFor;

namespace {

const QString kData = REVCOL_TEST_DATA;

// class_a: bright horizontal stripes, class_b: dark vertical ones, plus noise; and one unlabeled image.
fs::path makeImageFolder() {
  const fs::path dir = fs::temp_directory_path() / "revcol_cka_folder";
  fs::remove_all(dir);
  for (const char* c : {"class_a", "class_b"}) fs::create_directories(dir / c);
  cv::RNG rng(5);
  for (int i = 0; i < 4; ++i) {
    cv::Mat a(96, 96, CV_8UC3), b(96, 96, CV_8UC3);
    rng.fill(a, cv::RNG::UNIFORM, 0, 60);
    rng.fill(b, cv::RNG::UNIFORM, 0, 60);
    for (int y = 0; y < 96; y += 8) a.rowRange(y, y + 4) += cv::Scalar(180, 160, 40 * i);
    for (int x = 0; x < 96; x += 8) b.colRange(x, x + 4) += cv::Scalar(20 * i, 90, 120);
    cv::imwrite((dir / "class_a" / ("a" + std::to_string(i) + ".png")).string(), a);
    cv::imwrite((dir / "class_b" / ("b" + std::to_string(i) + ".png")).string(), b);
  }
  return dir;
}

}  // namespace

TEST(CkaRequest, SubfoldersAreLabelsAndLargeFoldersAreSubsampledEvenly) {
  const fs::path dir = makeImageFolder();
  cv::imwrite((dir / "top.png").string(), cv::Mat(40, 40, CV_8UC3, cv::Scalar(1, 2, 3)));
  const CkaRequest all = ckaRequestForFolder(QString::fromStdString(dir.string()), true, 100);
  ASSERT_EQ(all.files.size(), 9);
  EXPECT_EQ(all.label_names, (QStringList{"class_a", "class_b"}));
  EXPECT_EQ(all.labels.count(0), 4);
  EXPECT_EQ(all.labels.count(1), 4);
  EXPECT_EQ(all.labels.count(-1), 1);  // top.png sits in no class folder
  const CkaRequest some = ckaRequestForFolder(QString::fromStdString(dir.string()), true, 4);
  EXPECT_EQ(some.files.size(), 4);
  EXPECT_EQ(some.files.front(), all.files.front());
  const CkaRequest flat = ckaRequestForFolder(QString::fromStdString(dir.string()), false, 100);
  EXPECT_EQ(flat.files.size(), 1);  // only the folder's own images
  fs::remove(dir / "top.png");
}

TEST(StudioCka, HeatMapsOverAFolderFillThePanelAndExport) {
  const fs::path dir = makeImageFolder();
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kData + "/cls/cls_revcol_s4_k3.pth", kData + "/cls/cls_input_224.png"));
  // Intermediate supervision: the input and one image per decoder.
  EXPECT_EQ(w.decoderStrip()->columns(), int(w.lastResult()->analysis.decoder_images.size()) + 1);
  EXPECT_GT(w.lastResult()->analysis.decoder_images.size(), 0u);

  w.computeCka(ckaRequestForFolder(QString::fromStdString(dir.string()), true, 128));
  ASSERT_TRUE(waitFor([&]() { return w.idle() && w.disentanglementPanel()->result(); }, 120000))
      << w.errorMessage().toStdString();
  const auto job = w.disentanglementPanel()->result();
  EXPECT_EQ(job->result.images, 8);
  ASSERT_TRUE(job->result.vs_labels.has_value());
  auto* input_map = w.disentanglementPanel()->inputMap();
  ASSERT_EQ(input_map->rows(), 4);
  ASSERT_EQ(input_map->columns(), 4);
  for (int l = 0; l < 4; ++l)
    for (int c = 0; c < 4; ++c) {
      EXPECT_TRUE(std::isfinite(input_map->value(l, c))) << l << "," << c;
      EXPECT_DOUBLE_EQ(input_map->value(l, c), job->result.vs_input.values[size_t(c)][size_t(l)]);
    }
  EXPECT_EQ(w.disentanglementPanel()->labelMap()->rows(), 4);

  const fs::path out = fs::temp_directory_path() / "revcol_cka_export";
  fs::remove_all(out);
  fs::create_directories(out);
  ASSERT_TRUE(w.exportTo(ExportKind::CkaCsv, QString::fromStdString((out / "cka.csv").string())));
  ASSERT_TRUE(w.exportTo(ExportKind::CkaJson, QString::fromStdString((out / "cka.json").string())));
  ASSERT_TRUE(w.exportTo(ExportKind::CkaFigure, QString::fromStdString((out / "cka_figure.png").string())));
  std::ifstream csv(out / "cka.csv");
  int lines = 0;
  for (std::string line; std::getline(csv, line);) ++lines;
  EXPECT_EQ(lines, 1 + 2 * 4 * 4);  // header + (input, labels) x 4 columns x 4 levels
  std::ifstream js(out / "cka.json");
  const nlohmann::json j = nlohmann::json::parse(js);
  EXPECT_EQ(j["images"], 8);
  EXPECT_EQ(j["image_set"].size(), 8u);
  EXPECT_DOUBLE_EQ(j["vs_labels"][2][1].get<double>(), job->result.vs_labels->values[2][1]);
  std::ifstream side(out / "cka_figure.json");  // the figure's sidecar
  const nlohmann::json s = nlohmann::json::parse(side);
  EXPECT_EQ(s["figure"], "cka");
  EXPECT_EQ(s["checkpoint"]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(s["vs_input"], j["vs_input"]);
}

TEST(StudioCka, TooFewImagesIsAMessage) {
  const fs::path dir = fs::temp_directory_path() / "revcol_cka_three";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (int i = 0; i < 3; ++i)
    cv::imwrite((dir / ("i" + std::to_string(i) + ".png")).string(), cv::Mat(64, 64, CV_8UC3, cv::Scalar(i, 9, 9)));
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kData + "/cls/cls_revcol_s4_k3.pth", kData + "/cls/cls_input_224.png"));
  w.computeCka(ckaRequestForFolder(QString::fromStdString(dir.string()), false, 128));
  ASSERT_TRUE(waitFor([&]() { return w.idle(); }, 60000));
  EXPECT_TRUE(w.errorMessage().contains("at least 4 images")) << w.errorMessage().toStdString();
  EXPECT_FALSE(w.disentanglementPanel()->result());
}
