#include <gtest/gtest.h>

#include <QApplication>
#include <QDir>
#include <QImage>

#include "revcol_widgets/error_plot.h"

TEST(ErrorPlot, DrawsOneGraphPerSeriesAndSurvivesZeros) {
  revcol::widgets::ErrorPlot plot;
  QVector<revcol::widgets::PlotSeries> series;
  series.push_back({"c0 step", {1, 2, 3}, {1e-7, 2e-7, 0.0}, Qt::blue, false});
  series.push_back({"c3 chain", {1, 2, 3}, {1e-6, 1e-5, 1e-4}, Qt::red, true});
  plot.setSeries(series, "relative L2 error");
  EXPECT_EQ(plot.seriesCount(), 2);
  const QString file = QDir::temp().filePath("revcol_error_plot_test.png");
  ASSERT_TRUE(plot.savePng(file, 400, 300));
  QImage img(file);
  EXPECT_EQ(img.size(), QSize(400, 300));
  QFile::remove(file);
}
