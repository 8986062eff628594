// The main window fits the screen it opens on and stays that size, for the cases a new user meets
// first: the README's demo, a video with a cell selected and the timeline open, a detection and a
// segmentation checkpoint. CTest runs this binary once per screen size (offscreen platform with a
// configured screen: see tests/CMakeLists.txt), so the same assertions hold at 1366 x 768 and at
// 1920 x 1080.
#include <gtest/gtest.h>

#include <QApplication>
#include <QDockWidget>
#include <QScreen>
#include <QSettings>

#include "main_window.h"
#include "revcol_widgets/timeline_plot.h"
#include "../studio/window_wait.h"

using revcol::studio::MainWindow;
using revcol::studio::testing::openAndWait;
using revcol::studio::testing::waitFor;

namespace {

const QString kData = REVCOL_TEST_DATA;
const QString kSource = REVCOL_SOURCE_DIR;

struct Case {
  const char* name;
  QString checkpoint;
  QString input;
  bool play_then_select = false;
};

void expectFits(MainWindow& w, const char* when) {
  const QRect avail = w.screen()->availableGeometry();
  EXPECT_TRUE(avail.contains(w.frameGeometry()))
      << when << ": frame " << w.frameGeometry().width() << " x " << w.frameGeometry().height() << " at ("
      << w.frameGeometry().x() << ", " << w.frameGeometry().y() << ") on a " << avail.width() << " x " << avail.height()
      << " screen";
  const QSize min = w.minimumSizeHint();
  EXPECT_LE(min.width(), avail.width()) << when;
  EXPECT_LE(min.height(), avail.height()) << when;
}

void runCase(const Case& c) {
  SCOPED_TRACE(c.name);
  MainWindow w;
  w.show();
  QApplication::processEvents();
  const QSize opened = w.size();
  expectFits(w, "opened");
  // Fills most of the screen: a 1920 x 1080 screen is used, not left two-thirds empty.
  const QRect avail = w.screen()->availableGeometry();
  EXPECT_GE(w.frameGeometry().width(), avail.width() * 9 / 10);
  EXPECT_GE(w.frameGeometry().height(), avail.height() * 9 / 10);
  ASSERT_TRUE(openAndWait(w, c.checkpoint, c.input)) << w.errorMessage().toStdString();
  EXPECT_TRUE(w.errorMessage().isEmpty()) << w.errorMessage().toStdString();
  if (c.play_then_select) {
    ASSERT_TRUE(w.timeline()->isVisible());
    w.selectCellWhenReady(2, 1);
    w.showPosition(3);
    ASSERT_TRUE(waitFor([&w]() { return w.idle() && w.position() == 3 && w.selectedColumn() == 2; }, 120000));
  }
  QApplication::processEvents();
  expectFits(w, "after the results");
  EXPECT_EQ(w.size(), opened) << "the window changed size after it opened";
}

}  // namespace

TEST(WindowFitsTheScreen, ReadmeDemoClassifier) {
  runCase({"demo classifier", kSource + "/models/demo/revcol_fashion_cls.pth",
           kSource + "/resources/samples/fashion_items/bag_005008.png"});
}

TEST(WindowFitsTheScreen, SampleVideoWithACellSelectedAndTheTimelineOpen) {
  runCase({"video", kSource + "/models/demo/revcol_fashion_cls.pth", kSource + "/resources/samples/fashion_scenes.mp4",
           true});
}

TEST(WindowFitsTheScreen, DetectionFixture) {
  runCase({"detection", kData + "/det_cascade_mask_rcnn_revcol_shrunk.pth", kData + "/det/det_input.png"});
}

TEST(WindowFitsTheScreen, SegmentationDemo) {
  runCase({"segmentation demo", kSource + "/models/demo/revcol_fashion_upernet.pth",
           kSource + "/resources/samples/fashion_scenes/scene_005001.png"});
}

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  // Settings of their own, emptied: a layout saved by someone's studio must not size these windows.
  QApplication::setOrganizationName("RevCol Studio layout tests");
  QSettings().clear();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
