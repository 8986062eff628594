// Detection and segmentation checkpoints in the real window: the task runs beside the column
// analysis, and the overlay controls (score threshold, class filter, opacity) change what is drawn.
#include <gtest/gtest.h>

#include <QImage>

#include "main_window.h"
#include "revcol/image_io.h"
#include "revcol_widgets/image_view.h"
#include "revcol_widgets/overlay_controls.h"
#include "window_wait.h"

using revcol::studio::MainWindow;
using revcol::studio::testing::openAndWait;

namespace {

const QString kData = REVCOL_TEST_DATA;

QImage fileImage(const QString& path) {
  const cv::Mat rgb = revcol::loadImageRgb(path.toStdString());
  return QImage(rgb.data, rgb.cols, rgb.rows, int(rgb.step), QImage::Format_RGB888).copy();
}

}  // namespace

TEST(StudioTasks, DetectionCheckpointDrawsBoxesThatFollowTheScoreThresholdAndClassFilter) {
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kData + "/det_cascade_mask_rcnn_revcol_shrunk.pth", kData + "/det/det_input.png"));
  ASSERT_TRUE(w.errorMessage().isEmpty()) << w.errorMessage().toStdString();
  EXPECT_TRUE(w.modelPanelText().contains("detection")) << w.modelPanelText().toStdString();
  const auto result = w.lastResult();
  ASSERT_FALSE(result->detections.empty());
  EXPECT_EQ(result->analysis.columns.size(), 4u);  // the backbone's columns are explored too
  auto* controls = w.overlayControls();
  EXPECT_EQ(controls->mode(), revcol::widgets::OverlayControls::Mode::Detection);
  EXPECT_GT(controls->entryCount(), 0);

  // Boxes and labels are drawn by the view at screen size; composedImage() has them with the masks.
  const QImage original = fileImage(kData + "/det/det_input.png").convertToFormat(QImage::Format_RGB32);
  controls->setScoreThreshold(0.0);
  const QImage all = w.inputView()->composedImage();
  EXPECT_EQ(all.size(), original.size());
  EXPECT_NE(all, original);
  // Above every score nothing is drawn: the frame itself.
  controls->setScoreThreshold(1.0);
  EXPECT_EQ(w.inputView()->composedImage(), original);
  // Hiding the best object's class removes its drawing.
  controls->setScoreThreshold(0.0);
  controls->setClassShown(result->detections.front().label, false);
  EXPECT_NE(w.inputView()->composedImage(), all);
  EXPECT_FALSE(controls->classShown(result->detections.front().label));
}

TEST(StudioTasks, SegmentationCheckpointBlendsTheLabelMapWithLegendAndOpacity) {
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kData + "/seg/seg_upernet_revcol_shrunk.pth", kData + "/seg/seg_input.png"));
  ASSERT_TRUE(w.errorMessage().isEmpty()) << w.errorMessage().toStdString();
  const auto result = w.lastResult();
  const QImage original = fileImage(kData + "/seg/seg_input.png");
  ASSERT_EQ(result->segmentation.labels.cols, original.width());
  ASSERT_EQ(result->segmentation.labels.rows, original.height());
  auto* controls = w.overlayControls();
  EXPECT_EQ(controls->mode(), revcol::widgets::OverlayControls::Mode::Segmentation);
  EXPECT_EQ(controls->entryCount(), int(result->segmentation.present.size()));
  controls->setOpacity(0.5);
  EXPECT_NE(w.inputView()->image(), original);
  controls->setOpacity(0.0);
  EXPECT_EQ(w.inputView()->image(), original);
  controls->setOpacity(0.7);
  for (const revcol::ClassShare& c : result->segmentation.present) controls->setClassShown(c.index, false);
  EXPECT_EQ(w.inputView()->image(), original);
}
