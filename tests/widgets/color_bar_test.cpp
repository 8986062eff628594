// Colour bars: end values, end colours, log ticks, the widget's size.
#include <gtest/gtest.h>

#include <QImage>

#include "revcol_widgets/color_bar.h"

using namespace revcol::widgets;

namespace {

// Black pixels on the first row under the gradient strip (the tick row).
int ticksUnderTheStrip(const QImage& bar, const QColor& left_end) {
  int y = 0;
  while (y < bar.height() && QColor(bar.pixel(0, y)) == left_end) ++y;
  int ticks = 0;
  for (int x = 0; x < bar.width(); ++x) ticks += bar.pixel(x, y) == qRgb(0, 0, 0);
  return ticks;
}

}  // namespace

TEST(ColorBar, ScaleValuesHaveThreeSignificantDigits) {
  EXPECT_EQ(formatScaleValue(0.0123), "0.0123");
  EXPECT_EQ(formatScaleValue(46.2), "46.2");
  EXPECT_EQ(formatScaleValue(4.6e-7), "4.6e-07");
  EXPECT_EQ(formatScaleValue(0.0), "0");
  EXPECT_EQ(formatScaleValue(-0.0), "0");
  EXPECT_EQ(formatScaleValue(123456.0), "1.23e+05");
}

TEST(ColorBar, EndTextsAreTheRangeSetAndClearDropsTheScale) {
  ColorBar bar;
  bar.setScale(Colormap::Magma, -0.01234, 46.21, "activation");
  EXPECT_TRUE(bar.hasScale());
  EXPECT_EQ(bar.loText(), formatScaleValue(-0.01234));
  EXPECT_EQ(bar.hiText(), "46.2");
  EXPECT_EQ(bar.colormap(), Colormap::Magma);
  EXPECT_EQ(bar.label(), "activation");
  EXPECT_FALSE(bar.isLog());
  bar.setScale(Colormap::Viridis, 1e-7, 0.1, "error", true);
  EXPECT_TRUE(bar.isLog());
  bar.clear("RGB = first 3 PCA components");
  EXPECT_FALSE(bar.hasScale());
  EXPECT_EQ(bar.message(), "RGB = first 3 PCA components");
  EXPECT_LE(bar.minimumSizeHint().width(), 120);
  EXPECT_GE(bar.minimumSizeHint().height(), bar.fontMetrics().height() * 2);
}

TEST(ColorBar, RenderedStripRunsFromTheFirstToTheLastColourOfTheMap) {
  for (bool log : {false, true}) {
    const QImage bar = renderColorBar(Colormap::Viridis, 1e-7, 0.1, "error", 301, log, 14);
    ASSERT_EQ(bar.width(), 301);
    ASSERT_GT(bar.height(), 20);  // strip and a line of text
    EXPECT_EQ(QColor(bar.pixel(0, 2)), colormapColor(Colormap::Viridis, 0.0)) << "log " << log;
    EXPECT_EQ(QColor(bar.pixel(300, 2)), colormapColor(Colormap::Viridis, 1.0)) << "log " << log;
    EXPECT_EQ(QColor(bar.pixel(150, 2)), colormapColor(Colormap::Viridis, 0.5)) << "log " << log;
  }
}

TEST(ColorBar, LogScaleTicksEveryPowerOfTen) {
  const QColor left = colormapColor(Colormap::Viridis, 0.0);
  // 1e-7 .. 1e-1: a tick at each of the 7 decades; a linear bar ticks its two ends only.
  EXPECT_EQ(ticksUnderTheStrip(renderColorBar(Colormap::Viridis, 1e-7, 0.1, "e", 301, true), left), 7);
  EXPECT_EQ(ticksUnderTheStrip(renderColorBar(Colormap::Viridis, 1e-7, 0.1, "e", 301, false), left), 2);
}
