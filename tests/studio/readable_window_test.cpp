// What a reader of the window relies on: probabilities drawn to scale, colour bars that state the
// range used, captions that follow the reconstruction mode, a channel the level lacks refused in
// words, the playhead following every jump, and no panel empty at start.
#include <gtest/gtest.h>

#include <QDockWidget>
#include <filesystem>
#include <set>
#include <opencv2/imgcodecs.hpp>

#include "column_explorer.h"
#include "main_window.h"
#include "revcol_widgets/color_bar.h"
#include "revcol_widgets/feature_grid.h"
#include "revcol_widgets/image_view.h"
#include "revcol_widgets/overlay_controls.h"
#include "revcol_widgets/player_bar.h"
#include "revcol_widgets/probability_bars.h"
#include "revcol_widgets/timeline_plot.h"
#include "window_wait.h"

namespace fs = std::filesystem;
using revcol::studio::ColumnExplorer;
using revcol::studio::MainWindow;
using revcol::studio::testing::openAndWait;
using revcol::studio::testing::waitFor;

namespace {

const QString kData = REVCOL_TEST_DATA;
const QString kCheckpoint = kData + "/cls/cls_revcol_s4_k3.pth";
const QString kImage = kData + "/cls/cls_input_224.png";

}  // namespace

TEST(ReadableWindow, ProbabilityBarsAreProportionalToTheLastHeadsProbabilities) {
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kCheckpoint, kImage));
  const auto& top = w.lastResult()->analysis.heads.back().top;
  auto* bars = w.topBars();
  ASSERT_EQ(bars->rowCount(), int(top.size()));
  ASSERT_GT(bars->barTrackLength(), 20.0);
  for (int i = 0; i < bars->rowCount(); ++i)
    EXPECT_NEAR(bars->barLength(i), top[size_t(i)].probability * bars->barTrackLength(), 1.0) << i;
  // Every head's top-1 (four columns, four heads) as bars too.
  EXPECT_EQ(w.headBars()->rowCount(), int(w.lastResult()->analysis.heads.size()));
}

TEST(ReadableWindow, TheFirstCellIsSelectedAtStartAndItsColourBarStatesTheRangeUsed) {
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kCheckpoint, kImage));
  EXPECT_EQ(w.selectedColumn(), 0);
  EXPECT_EQ(w.selectedLevel(), 0);
  for (auto [column, level] : {std::pair{0, 0}, {2, 1}, {3, 3}}) {
    w.explorer()->grid()->cellClicked(column, level);
    const revcol::studio::CellScale scale = w.explorer()->cellScale(column, level);
    ASSERT_TRUE(scale.colormapped);
    ASSERT_TRUE(w.cellColorBar()->hasScale());
    EXPECT_DOUBLE_EQ(w.cellColorBar()->lo(), scale.lo);
    EXPECT_DOUBLE_EQ(w.cellColorBar()->hi(), scale.hi);
    // Per-level normalisation (the default): the row's scale is the cell's.
    const auto row = w.explorer()->grid()->rowScale(level);
    ASSERT_TRUE(row.shown);
    EXPECT_DOUBLE_EQ(row.lo, scale.lo);
    EXPECT_DOUBLE_EQ(row.hi, scale.hi);
  }
  // The error overlay states its range too.
  w.setChainMode(true);
  w.explorer()->grid()->cellClicked(1, 2);
  ASSERT_TRUE(w.errorOverlayColorBar()->isVisible());
  EXPECT_TRUE(w.errorOverlayColorBar()->hasScale());
  EXPECT_EQ(w.errorOverlayColorBar()->lo(), 0.0);
  EXPECT_GT(w.errorOverlayColorBar()->hi(), 0.0);
}

TEST(ReadableWindow, ChainModeChangesTheCaptions) {
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kCheckpoint, kImage));
  auto* grid = w.explorer()->grid();
  const auto& step_error = w.lastResult()->analysis.reconstructions;
  const QString step = grid->cellCaption(0, 2);
  EXPECT_TRUE(grid->cellToolTip(0, 2).contains("step reconstruction error")) << grid->cellToolTip(0, 2).toStdString();
  w.setChainMode(true);
  const QString chain = grid->cellCaption(0, 2);
  EXPECT_TRUE(grid->cellToolTip(0, 2).contains("chain reconstruction error")) << grid->cellToolTip(0, 2).toStdString();
  EXPECT_NE(step, chain);
  // Each caption is the error of the mode shown.
  for (const revcol::Reconstruction& r : step_error) {
    if (r.precision == revcol::Precision::Float32 && r.mode == revcol::ReconstructionMode::Chain) {
      EXPECT_EQ(chain, QString::number(r.columns[0].levels[2].rel_l2, 'g', 2));
    }
  }
  // The last column has nothing to be inverted from, and says so.
  EXPECT_EQ(grid->cellCaption(3, 0), "last column");
  w.setChainMode(false);
  EXPECT_EQ(grid->cellCaption(0, 2), step);
}

TEST(ReadableWindow, AChannelBeyondTheLevelsCountIsRefusedWithAMessage) {
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kCheckpoint, kImage));  // 16 / 32 / 64 / 128 channels
  ColumnExplorer* explorer = w.explorer();
  explorer->setMode(ColumnExplorer::kChannel);
  explorer->setChannel(40);
  EXPECT_TRUE(explorer->note().contains("No channel 40")) << explorer->note().toStdString();
  EXPECT_TRUE(explorer->note().contains("c0 (1/4) has 16, c1 (1/8) has 32")) << explorer->note().toStdString();
  EXPECT_TRUE(explorer->grid()->cellImage(1, 0).isNull());  // not the last channel in its place
  EXPECT_TRUE(explorer->grid()->cellImage(1, 1).isNull());
  EXPECT_FALSE(explorer->grid()->cellImage(1, 2).isNull());
  explorer->setChannel(3);
  EXPECT_FALSE(explorer->note().contains("No channel"));
  EXPECT_FALSE(explorer->grid()->cellImage(1, 0).isNull());
  // PCA states what its colours are.
  explorer->setMode(ColumnExplorer::kPca);
  EXPECT_TRUE(explorer->note().contains("principal components")) << explorer->note().toStdString();
}

TEST(ReadableWindow, ThePlayheadFollowsAJumpAtOnce) {
  const fs::path dir = fs::temp_directory_path() / "revcol_readable_folder";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (int i = 0; i < 5; ++i) {
    cv::Mat m(64, 64, CV_8UC3, cv::Scalar(i * 50, 80, 200 - i * 40));
    cv::imwrite((dir / ("img" + std::to_string(i) + ".png")).string(), m);
  }
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kCheckpoint, QString::fromStdString(dir.string())));
  ASSERT_TRUE(w.timeline()->isVisible());
  // A click on the timeline asks for a frame: the playhead is there before its analysis is.
  emit w.timeline()->frameClicked(3);
  EXPECT_EQ(w.timeline()->currentFrame(), 3);
  EXPECT_EQ(w.player()->position(), 3);
  ASSERT_TRUE(waitFor([&w]() { return w.idle(); }, 60000));
  w.player()->stepBy(-2);
  EXPECT_EQ(w.timeline()->currentFrame(), 1);
  EXPECT_EQ(w.player()->position(), 1);
}

TEST(ReadableWindow, DocksThatDoNotApplyToAClassifierAreHidden) {
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kCheckpoint, kImage));
  EXPECT_FALSE(w.findChild<QDockWidget*>("Detections / segments")->isVisible());
  EXPECT_FALSE(w.findChild<QDockWidget*>("Timeline")->isVisible());
  ASSERT_TRUE(openAndWait(w, kData + "/seg/seg_upernet_revcol_shrunk.pth", kData + "/seg/seg_input.png"));
  EXPECT_TRUE(w.findChild<QDockWidget*>("Detections / segments")->isVisible());
}

TEST(ReadableWindow, GroundTruthBesideTheSceneIsShownInsteadOfThePredictionOnRequest) {
  const QString source = REVCOL_SOURCE_DIR;
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, source + "/models/demo/revcol_fashion_upernet.pth",
                          source + "/resources/samples/fashion_scenes/scene_005001.png"));
  ASSERT_TRUE(w.groundTruthAvailable());
  // Background is left untinted by default.
  EXPECT_FALSE(w.overlayControls()->classShown(0));
  const QImage predicted = w.inputView()->image();
  w.setGroundTruthShown(true);
  const QImage truth = w.inputView()->image();
  EXPECT_NE(truth, predicted);
  // The legend lists the ground truth's own classes while it is shown.
  const cv::Mat labels = cv::imread(
      (source + "/resources/samples/fashion_scenes/scene_005001_labels.png").toStdString(), cv::IMREAD_UNCHANGED);
  std::set<int> classes(labels.begin<uint8_t>(), labels.end<uint8_t>());
  EXPECT_EQ(w.overlayControls()->entryCount(), int(classes.size()));
  w.setGroundTruthShown(false);
  EXPECT_EQ(w.inputView()->image(), predicted);
  // An image with nothing beside it has no ground truth to show.
  ASSERT_TRUE(openAndWait(w, source + "/models/demo/revcol_fashion_upernet.pth", kData + "/seg/seg_input.png"));
  EXPECT_FALSE(w.groundTruthAvailable());
}

TEST(ReadableWindow, ResetLayoutBringsBackAClosedDock) {
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kCheckpoint, kImage));
  auto* cell = w.findChild<QDockWidget*>("Cell detail");
  cell->close();
  EXPECT_FALSE(cell->isVisible());
  w.resetLayout();
  EXPECT_TRUE(cell->isVisible());
  // Docks that do not apply stay hidden after a reset too.
  EXPECT_FALSE(w.findChild<QDockWidget*>("Detections / segments")->isVisible());
}
