#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "revcol_widgets/colormap.h"

using revcol::widgets::Colormap;

TEST(Colormap, EndsOfTheRangeMapToTheEndsOfTheMap) {
  std::vector<float> v{0.f, 1.f, 2.f, 3.f};
  QImage img = revcol::widgets::renderColormapped(v.data(), 4, 1, 0.0, 3.0, Colormap::Viridis);
  EXPECT_EQ(QColor(img.pixel(0, 0)), revcol::widgets::colormapColor(Colormap::Viridis, 0.0));
  EXPECT_EQ(QColor(img.pixel(3, 0)), revcol::widgets::colormapColor(Colormap::Viridis, 1.0));
  EXPECT_EQ(QColor(img.pixel(0, 0)), QColor(68, 1, 84));
}

TEST(Colormap, GrayIsMonotoneAndClampsOutOfRange) {
  std::vector<float> v{-5.f, 0.f, 0.5f, 1.f, 9.f};
  QImage img = revcol::widgets::renderColormapped(v.data(), 5, 1, 0.0, 1.0, Colormap::Gray);
  EXPECT_EQ(qRed(img.pixel(0, 0)), 0);
  EXPECT_EQ(qRed(img.pixel(1, 0)), 0);
  EXPECT_EQ(qRed(img.pixel(2, 0)), 128);
  EXPECT_EQ(qRed(img.pixel(3, 0)), 255);
  EXPECT_EQ(qRed(img.pixel(4, 0)), 255);
}

TEST(Colormap, NanIsBlackAndEmptyRangeIsTheCentre) {
  std::vector<float> v{std::numeric_limits<float>::quiet_NaN(), 2.f};
  QImage img = revcol::widgets::renderColormapped(v.data(), 2, 1, 2.0, 2.0, Colormap::Diverging);
  EXPECT_EQ(img.pixel(0, 0), qRgb(0, 0, 0));
  EXPECT_EQ(QColor(img.pixel(1, 0)), QColor(247, 247, 247));
}

TEST(Colormap, NamesRoundTrip) {
  for (const QString& name : revcol::widgets::colormapNames())
    EXPECT_EQ(revcol::widgets::colormapName(revcol::widgets::colormapFromName(name)), name);
}
