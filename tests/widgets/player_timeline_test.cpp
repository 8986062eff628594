// Player bar requests, timeline and error-plot hover readouts, overlay controls' class filter.
#include <gtest/gtest.h>

#include <QDir>
#include <QSet>
#include <QSignalSpy>
#include <QSlider>
#include <QLayout>

#include "revcol_widgets/error_plot.h"
#include "revcol_widgets/overlay_controls.h"
#include "revcol_widgets/player_bar.h"
#include "revcol_widgets/timeline_plot.h"

using namespace revcol::widgets;

TEST(PlayerBar, StepsAreClampedRequestsAndALiveSourceOnlyPlays) {
  PlayerBar bar;
  bar.setSequence(5, 10.0);
  QSignalSpy requested(&bar, &PlayerBar::frameRequested);
  bar.stepBy(1);
  ASSERT_EQ(requested.size(), 1);
  EXPECT_EQ(requested.takeFirst().at(0).toInt(), 1);
  EXPECT_EQ(bar.position(), 0);  // the bar only asks; the owner moves it
  bar.setPosition(4);
  EXPECT_EQ(bar.positionText(), "frame 5 / 5, 0.40 s");
  bar.stepBy(3);  // already at the end: nothing to ask
  EXPECT_EQ(requested.size(), 0);
  bar.stepBy(-10);
  ASSERT_EQ(requested.size(), 1);
  EXPECT_EQ(requested.takeFirst().at(0).toInt(), 0);

  QSignalSpy playing(&bar, &PlayerBar::playingChanged);
  bar.togglePlaying();
  EXPECT_TRUE(bar.playing());
  ASSERT_EQ(playing.size(), 1);
  bar.setSequence(-1, 0);  // a webcam: no timeline, play still works
  EXPECT_FALSE(bar.playing());
  bar.stepBy(1);
  EXPECT_EQ(requested.size(), 0);
  bar.togglePlaying();
  EXPECT_TRUE(bar.playing());
  bar.setSequence(1, 0);  // a single image: nothing to play
  bar.togglePlaying();
  EXPECT_FALSE(bar.playing());
}

TEST(TimelinePlot, DrawsErrorsAndConfidenceAndReadsExactValuesUnderTheMouse) {
  TimelinePlot plot;
  plot.resize(600, 300);
  PlotSeries e{"c0 step fp32", {0, 1, 2}, {1e-6, 2.5e-6, 4e-6}, Qt::blue, false};
  PlotSeries c{"top-1 confidence", {0, 1, 2}, {0.9, 0.5, 0.75}, Qt::red, false};
  plot.setSeries({e}, c, 10);
  EXPECT_EQ(plot.graphCount(), 2);
  ASSERT_TRUE(plot.savePng(QDir::temp().filePath("revcol_timeline_test.png"), 600, 300));
  plot.show();
  // Somewhere over each point its exact value shows; far from all points nothing does.
  QSet<QString> texts;
  for (int x = 0; x < 600; x += 2)
    for (int y = 0; y < 300; y += 2) texts.insert(plot.valueTextAt(QPoint(x, y)));
  EXPECT_TRUE(texts.contains("c0 step fp32: frame 1, 2.5e-06"));
  EXPECT_TRUE(texts.contains("top-1 confidence: frame 2, 0.75"));
  EXPECT_TRUE(texts.contains(""));
}

TEST(ErrorPlot, HoverShowsTheExactValueOfTheNearestPoint) {
  ErrorPlot plot;
  plot.resize(500, 300);
  plot.show();
  plot.setSeries({PlotSeries{"c2 fp32", {0, 1, 2}, {3.25e-6, 1e-5, 0.0}, Qt::green, false}}, "error");
  plot.savePng(QDir::temp().filePath("revcol_error_hover.png"), 500, 300);  // lays the plot out
  bool found = false;
  for (int x = 0; x < 500 && !found; x += 2)
    for (int y = 0; y < 300 && !found; y += 2) {
      const QString t = plot.valueTextAt(QPoint(x, y));
      if (t.contains("column 0")) {
        EXPECT_EQ(t, "c2 fp32: column 0, 3.25e-06");
        found = true;
      }
    }
  EXPECT_TRUE(found) << "no hover text anywhere near the first point";
}

TEST(OverlayControls, HiddenClassesStayHiddenAcrossFramesUntilTickedAgain) {
  OverlayControls controls;
  controls.setMode(OverlayControls::Mode::Detection);
  QSignalSpy changed(&controls, &OverlayControls::changed);
  controls.setEntries({{3, "cat", Qt::red, "2, best 0.90"}, {7, "dog", Qt::blue, "1, best 0.40"}});
  EXPECT_EQ(controls.entryCount(), 2);
  EXPECT_TRUE(controls.classShown(3));
  controls.setClassShown(3, false);
  EXPECT_FALSE(controls.classShown(3));
  EXPECT_GE(changed.size(), 1);
  controls.setEntries({{7, "dog", Qt::blue, ""}});  // next frame: no cat
  controls.setEntries({{3, "cat", Qt::red, ""}});   // the cat is back, still hidden
  EXPECT_FALSE(controls.classShown(3));
  controls.setClassShown(3, true);
  EXPECT_TRUE(controls.classShown(3));
  controls.setScoreThreshold(0.55);
  EXPECT_DOUBLE_EQ(controls.scoreThreshold(), 0.55);
}

TEST(PlayerBar, TheSliderKeepsItsRoomAtEveryWidth) {
  PlayerBar bar;
  bar.setSequence(123456, 25.0);
  bar.setPosition(123455);
  const QString full = bar.positionText();
  EXPECT_EQ(full, "frame 123456 / 123456, 4938.20 s");
  EXPECT_LE(bar.minimumSizeHint().width(), 420);
  auto* slider = bar.findChild<QSlider*>();
  ASSERT_NE(slider, nullptr);
  bar.resize(bar.minimumSizeHint().width(), bar.sizeHint().height());
  bar.show();
  bar.layout()->activate();
  EXPECT_GE(slider->width(), 120);
  const int narrow = slider->width();
  bar.resize(1000, bar.height());
  bar.layout()->activate();
  EXPECT_GT(slider->width(), narrow + 300);  // the slider takes the extra width
  EXPECT_EQ(bar.positionText(), full);       // elided on screen, whole in the text
  bool tooltip = false;
  for (QWidget* w : bar.findChildren<QWidget*>()) tooltip |= w->toolTip() == full;
  EXPECT_TRUE(tooltip) << "the full position text is some child's tooltip";
}
