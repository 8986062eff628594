// Probabilities as proportional bars: lengths, clamping, elision, text and tooltips.
#include <gtest/gtest.h>

#include <QImage>

#include "revcol_widgets/probability_bars.h"

using namespace revcol::widgets;

namespace {

// Pixels of exactly `color` along the horizontal line through the middle of `r`.
int countAlong(const QImage& image, const QRectF& r, const QColor& color) {
  const int y = int(r.center().y());
  int n = 0;
  for (int x = 0; x < image.width(); ++x) n += QColor(image.pixel(x, y)) == color;
  return n;
}

}  // namespace

TEST(ProbabilityBars, BarsAreProportionalToTheValuesAndClamped) {
  ProbabilityBars bars;
  const QColor red(200, 30, 30), green(30, 160, 30), blue(30, 30, 200), brown(120, 80, 20);
  bars.setRows({{"tabby cat", 0.694, "69.4 %", {}, red},
                {"tiger cat", 0.022, "2.2 %", {}, green},
                {"nothing", 0.0, "0 %", {}, blue},
                {"too much", 1.7, "170 %", {}, brown}});
  bars.resize(420, bars.sizeHint().height());
  ASSERT_EQ(bars.rowCount(), 4);
  ASSERT_GT(bars.barTrackLength(), 150);
  EXPECT_NEAR(bars.barLength(0), bars.barLength(1) * 0.694 / 0.022, 1.0);
  EXPECT_NEAR(bars.barLength(0), 0.694 * bars.barTrackLength(), 1e-9);
  EXPECT_EQ(bars.barLength(2), 0.0);
  EXPECT_DOUBLE_EQ(bars.barLength(3), bars.barTrackLength());

  // What is painted matches: each bar's run of its colour is as long as barLength, within 1 px.
  const QImage image = bars.grab().toImage();
  EXPECT_NEAR(countAlong(image, bars.barRect(0), red), bars.barLength(0), 1.0);
  EXPECT_NEAR(countAlong(image, bars.barRect(1), green), bars.barLength(1), 1.0);
  EXPECT_EQ(countAlong(image, bars.barRect(2), blue), 0);
  EXPECT_NEAR(countAlong(image, bars.barRect(3), brown), bars.barTrackLength(), 1.0);
}

TEST(ProbabilityBars, TextHasEveryLabelAndNarrowWidthsElideWithTheFullLabelOnHover) {
  ProbabilityBars bars;
  bars.setTitle("Top-5 classes");
  const QString long_label = "Pembroke, Pembroke Welsh corgi with a very long synonym list";
  bars.setRows({{long_label, 0.5, formatPercent(0.5), "class 263", {}}, {"cardigan", 0.1, formatPercent(0.1), {}, {}}});
  EXPECT_TRUE(bars.text().contains("Top-5 classes"));
  EXPECT_TRUE(bars.text().contains(long_label + "  50.0 %"));
  EXPECT_TRUE(bars.text().contains("cardigan  10.0 %"));
  EXPECT_LE(bars.minimumSizeHint().width(), 180);
  bars.resize(180, bars.sizeHint().height());
  EXPECT_GT(bars.barTrackLength(), 30);  // the label gives way, the bar keeps room
  const QPoint first_row(5, int(bars.barRect(0).center().y()));
  EXPECT_EQ(bars.toolTipAt(first_row), long_label + "  50.0 %\nclass 263");
  EXPECT_EQ(bars.toolTipAt(QPoint(5, 2)), "");  // the title
}

TEST(ProbabilityBars, RowHeightFollowsTheFontAndAnEmptyListShowsTheMessage) {
  ProbabilityBars bars;
  bars.setRows({{"a", 0.3, "30.0 %", {}, {}}, {"b", 0.2, "20.0 %", {}, {}}});
  const int normal = bars.sizeHint().height();
  QFont big = bars.font();
  big.setPointSize(big.pointSize() * 2);
  bars.setFont(big);
  EXPECT_GT(bars.sizeHint().height(), normal * 3 / 2);
  bars.setRows({});
  bars.setMessage("no classification head");
  EXPECT_EQ(bars.rowCount(), 0);
  EXPECT_EQ(bars.text(), "no classification head");
}

TEST(ProbabilityBars, PercentagesKeepSmallValuesVisible) {
  EXPECT_EQ(formatPercent(0.694), "69.4 %");
  EXPECT_EQ(formatPercent(0.003), "0.3 %");
  EXPECT_EQ(formatPercent(0.0002), "<0.1 %");
  EXPECT_EQ(formatPercent(1.0), "100.0 %");
}
