// The plots keep their legends out of the data, their x range, and their confidence axis.
#include <gtest/gtest.h>

#include "revcol_widgets/error_plot.h"
#include "revcol_widgets/timeline_plot.h"

using namespace revcol::widgets;

namespace {

// Eight series as the studio draws them: c0..c3, step and chain.
QVector<PlotSeries> eightSeries() {
  QVector<PlotSeries> series;
  for (int level = 0; level < 4; ++level)
    for (bool chain : {false, true})
      series.push_back({QString("c%1 %2 fp32").arg(level).arg(chain ? "chain" : "step"),
                        {0, 1, 2, 3},
                        {1e-7 * (level + 1), 2e-7, chain ? 1e-5 : 3e-7, 0.0},
                        QColor::fromHsv(level * 80, 200, 180),
                        chain});
  return series;
}

}  // namespace

TEST(ErrorPlot, LegendSitsOutsideTheData) {
  ErrorPlot plot;
  plot.resize(500, 250);
  plot.setSeries(eightSeries(), "relative L2 error");
  EXPECT_EQ(plot.seriesCount(), 8);
  EXPECT_TRUE(plot.legendOutsideData());
  plot.setTitle("Reconstruction error per column");
  EXPECT_TRUE(plot.legendOutsideData());
  plot.setTitle("");
  EXPECT_TRUE(plot.legendOutsideData());
  // Eight long legend entries must not make the plot's minimum wider than a narrow dock.
  EXPECT_LE(plot.minimumSizeHint().width(), 200);
  EXPECT_GE(plot.minimumHeight(), 180);
}

TEST(ErrorPlot, XRangeIsKeptAcrossSetSeries) {
  ErrorPlot plot;
  plot.setSeries(eightSeries(), "error");
  EXPECT_EQ(plot.xRange(), qMakePair(-0.5, 3.5));  // default: the data's columns
  plot.setXRange(-0.5, 7.5);
  plot.setSeries(eightSeries(), "error");
  EXPECT_EQ(plot.xRange(), qMakePair(-0.5, 7.5));
}

TEST(TimelinePlot, LegendOutsideCurrentFrameAndTheConfidenceAxis) {
  TimelinePlot plot;
  plot.resize(600, 260);
  PlotSeries confidence{"top-1 confidence", {0, 1, 2, 3}, {0.9, 0.8, 0.85, 0.7}, Qt::black, false};
  plot.setSeries(eightSeries(), confidence, 20);
  EXPECT_EQ(plot.graphCount(), 9);
  EXPECT_TRUE(plot.legendOutsideData());
  EXPECT_TRUE(plot.confidenceAxisVisible());  // the default label
  plot.setCurrentFrame(7);
  EXPECT_EQ(plot.currentFrame(), 7);
  plot.setConfidenceAxis("");
  EXPECT_FALSE(plot.confidenceAxisVisible());
  EXPECT_EQ(plot.graphCount(), 8);  // no axis, no confidence line
  plot.setConfidenceAxis("top-1 confidence");
  EXPECT_TRUE(plot.confidenceAxisVisible());
  EXPECT_EQ(plot.graphCount(), 9);
  EXPECT_EQ(plot.currentFrame(), 7);
}
