// File > Export from the real window: figures with sidecars that say how they were made, and the
// data behind them in revcol-cli's formats.
#include <gtest/gtest.h>

#include <QDir>
#include <QImage>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "column_explorer.h"
#include "main_window.h"
#include "revcol/npy.h"
#include "revcol_widgets/feature_grid.h"
#include "revcol/sha256.h"
#include "window_wait.h"

namespace fs = std::filesystem;
using revcol::studio::ExportKind;
using revcol::studio::MainWindow;
using revcol::studio::testing::openAndWait;

namespace {

const QString kData = REVCOL_TEST_DATA;

nlohmann::json readJson(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

std::string readText(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST(StudioExport, FiguresCarrySidecarsAndDataMatchesTheResult) {
  const fs::path dir = fs::temp_directory_path() / "revcol_studio_export";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const QString checkpoint = kData + "/cls/cls_revcol_s4_k3.pth";
  MainWindow w;
  w.show();
  w.selectCellWhenReady(2, 1);
  ASSERT_TRUE(openAndWait(w, checkpoint, kData + "/cls/cls_input_224.png"));
  w.explorer()->setMode(2);  // single channel
  const auto result = w.lastResult();
  const std::string sha = revcol::sha256File(checkpoint.toStdString());

  auto path = [&dir](const char* name) { return QString::fromStdString((dir / name).string()); };
  for (auto [kind, name] : {std::pair{ExportKind::InputView, "input.png"},
                            {ExportKind::FeatureGrid, "grid.png"},
                            {ExportKind::SelectedCell, "cell.png"},
                            {ExportKind::ErrorPlot, "errors.png"},
                            {ExportKind::AlphaPlot, "alphas.png"}}) {
    ASSERT_TRUE(w.exportTo(kind, path(name))) << name << ": " << w.errorMessage().toStdString();
    EXPECT_FALSE(QImage(path(name)).isNull()) << name;
    const nlohmann::json side = readJson(fs::path(dir / name).replace_extension(".json"));
    EXPECT_EQ(side["checkpoint"]["sha256"], sha) << name;
    EXPECT_EQ(side["input"], (kData + "/cls/cls_input_224.png").toStdString());
    EXPECT_EQ(side["preprocess"]["input_shape"], (std::vector<int64_t>{3, 224, 224}));
  }
  // The reconstruction plot names the precisions it draws (fp64 arrives with the completed result).
  EXPECT_EQ(readJson(dir / "errors.json")["precisions"], nlohmann::json::array({"fp32", "fp64"}));
  const nlohmann::json cell = readJson(dir / "cell.json");
  EXPECT_EQ(cell["figure"], "cell");
  EXPECT_EQ(cell["column"], 2);
  EXPECT_EQ(cell["level"], 1);
  EXPECT_EQ(cell["reduction"], "channel");
  EXPECT_EQ(cell["channel"], 0);
  EXPECT_EQ(cell["normalization"], "per level (across columns)");
  EXPECT_EQ(cell["range"]["kind"], "percentile");

  // Fixed ranges are recorded as such.
  w.explorer()->setFixedRange(-0.5, 2.0);
  ASSERT_TRUE(w.exportTo(ExportKind::FeatureGrid, path("grid_fixed.png")));
  const nlohmann::json grid = readJson(dir / "grid_fixed.json");
  EXPECT_EQ(grid["range"]["kind"], "fixed");
  EXPECT_DOUBLE_EQ(grid["range"]["hi"].get<double>(), 2.0);

  // Arrays: every column and level, bit for bit.
  ASSERT_TRUE(w.exportTo(ExportKind::FeatureArrays, path("raw")));
  const revcol::FloatArray c1l2 = revcol::loadNpy((dir / "raw" / "col1_level2.npy").string());
  EXPECT_EQ(c1l2.shape, result->analysis.columns[1].levels[2].shape);
  EXPECT_EQ(c1l2.values, result->analysis.columns[1].levels[2].values);
  EXPECT_TRUE(fs::exists(dir / "raw" / "added_col3_level0.npy"));
  EXPECT_TRUE(fs::exists(dir / "raw" / "head3_logits.npy"));
  EXPECT_EQ(readJson(dir / "raw" / "provenance.json")["checkpoint"]["sha256"], sha);

  // Errors: one CSV row per (reconstruction, recovered column, level).
  ASSERT_TRUE(w.exportTo(ExportKind::ErrorsCsv, path("errors.csv")));
  const std::string csv = readText(dir / "errors.csv");
  size_t rows = 0;
  for (const auto& r : result->analysis.reconstructions) rows += r.columns.size() * 4;
  EXPECT_EQ(size_t(std::count(csv.begin(), csv.end(), '\n')), rows + 1);
  EXPECT_EQ(csv.rfind("precision,mode,recovered_column,inverted_column,level,rel_l2,max_abs\n", 0), 0u);

  // Summary: the same numbers as the result.
  ASSERT_TRUE(w.exportTo(ExportKind::SummaryJson, path("summary.json")));
  const nlohmann::json summary = readJson(dir / "summary.json");
  EXPECT_EQ(summary["heads"].size(), result->analysis.heads.size());
  EXPECT_DOUBLE_EQ(summary["reconstruction"][0]["columns"][1]["levels"][3]["rel_l2"].get<double>(),
                   result->analysis.reconstructions[0].columns[1].levels[3].rel_l2);
  EXPECT_EQ(summary["model"]["columns"], 4);
}

TEST(StudioExport, NothingToExportIsAMessageAndAnUnwritablePathToo) {
  MainWindow w;
  w.show();
  EXPECT_FALSE(w.exportTo(ExportKind::InputView, QDir::temp().filePath("never.png")));
  EXPECT_TRUE(w.errorMessage().contains("Nothing to export"));
  ASSERT_TRUE(openAndWait(w, kData + "/cls/cls_revcol_s4_k3.pth", kData + "/cls/cls_input_224.png"));
  // The first cell is selected at start, so the cell detail (and its export) is never empty.
  EXPECT_TRUE(w.exportTo(ExportKind::SelectedCell, QDir::temp().filePath("cell.png")))
      << w.errorMessage().toStdString();
  EXPECT_FALSE(w.exportTo(ExportKind::InputView, "/proc/no_such_dir/input.png"));
  EXPECT_FALSE(w.errorMessage().isEmpty());
}

TEST(StudioExport, OneChoiceWritesEveryTickedKindNamedAfterTheInputWithOrWithoutScales) {
  const fs::path dir = fs::temp_directory_path() / "revcol_studio_export_choice";
  fs::remove_all(dir);
  MainWindow w;
  w.show();
  const QString image = kData + "/cls/cls_input_224.png";
  ASSERT_TRUE(openAndWait(w, kData + "/cls/cls_revcol_s4_k3.pth", image));
  // CKA was not computed: the dialog offers it greyed, with the reason.
  EXPECT_TRUE(w.unavailableExports().contains(ExportKind::CkaFigure));
  EXPECT_FALSE(w.unavailableExports().contains(ExportKind::FeatureGrid));

  revcol::studio::ExportChoice choice;
  choice.folder = QString::fromStdString((dir / "full").string());
  choice.stem = revcol::studio::exportStem(image, -1);
  EXPECT_EQ(choice.stem, "cls_input_224");
  choice.kinds = {ExportKind::FeatureGrid, ExportKind::SelectedCell, ExportKind::InputView, ExportKind::SummaryJson,
                  ExportKind::ErrorsCsv};
  ASSERT_EQ(w.exportChoice(choice), 5) << w.errorMessage().toStdString();
  for (const char* name : {"cls_input_224_features.png", "cls_input_224_features.json", "cls_input_224_cell.png",
                           "cls_input_224_input.png", "cls_input_224_summary.json", "cls_input_224_errors.csv"})
    EXPECT_TRUE(fs::exists(dir / "full" / name)) << name;

  // Without title and colour bar the figures are smaller; at scale 2 the cell is twice as wide.
  choice.folder = QString::fromStdString((dir / "bare").string());
  choice.style = {2, false, false};
  ASSERT_EQ(w.exportChoice(choice), 5);
  const QImage full_grid((dir / "full" / "cls_input_224_features.png").c_str());
  const QImage bare_cell((dir / "bare" / "cls_input_224_cell.png").c_str());
  const QImage full_cell((dir / "full" / "cls_input_224_cell.png").c_str());
  EXPECT_GT(full_cell.height(), full_cell.width());  // title above, colour bar below a square cell
  EXPECT_EQ(bare_cell.width(), 2 * full_cell.width());
  EXPECT_EQ(bare_cell.height(), bare_cell.width());
  EXPECT_EQ(readJson(dir / "bare" / "cls_input_224_features.json")["color_bars"], false);

  // The selection frame is never drawn into an exported grid: another selection, the same pixels.
  w.explorer()->grid()->cellClicked(3, 3);
  choice.folder = QString::fromStdString((dir / "other").string());
  choice.style = {};
  choice.kinds = {ExportKind::FeatureGrid};
  ASSERT_EQ(w.exportChoice(choice), 1);
  EXPECT_EQ(QImage((dir / "other" / "cls_input_224_features.png").c_str()), full_grid);
}
