#include <gtest/gtest.h>

#include <QApplication>
#include <QMouseEvent>
#include <cmath>

#include "revcol_widgets/feature_grid.h"

TEST(FeatureGrid, ClickOnACellReportsItsColumnAndLevel) {
  revcol::widgets::FeatureGrid grid;
  grid.setShape(4, 4, {"c0", "c1", "c2", "c3"});
  grid.setCellSize(40);
  QImage thumb(8, 8, QImage::Format_RGB32);
  thumb.fill(Qt::red);
  grid.setCell(2, 1, thumb, "1.2e-6");
  EXPECT_EQ(grid.cellImage(2, 1).pixel(0, 0), thumb.pixel(0, 0));
  EXPECT_TRUE(grid.cellImage(1, 2).isNull());

  int clicked_col = -1, clicked_level = -1;
  QObject::connect(&grid, &revcol::widgets::FeatureGrid::cellClicked, [&](int c, int l) {
    clicked_col = c;
    clicked_level = l;
  });
  // Find the centre of cell (2,1) by probing: cellAt is the inverse of the layout.
  QPoint target;
  for (int y = 0; y < grid.height() && target.isNull(); ++y)
    for (int x = 0; x < grid.width(); ++x)
      if (grid.cellAt({x, y}) == std::make_pair(2, 1)) {
        target = {x + 5, y + 5};
        break;
      }
  ASSERT_FALSE(target.isNull());
  QMouseEvent press(QEvent::MouseButtonPress, QPointF(target), QPointF(grid.mapToGlobal(target)), Qt::LeftButton,
                    Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&grid, &press);
  EXPECT_EQ(clicked_col, 2);
  EXPECT_EQ(clicked_level, 1);
  EXPECT_EQ(grid.cellAt({0, 0}), std::make_pair(-1, -1));  // the header is not a cell
}

TEST(FeatureGrid, GrowsWithColumnsAndCellSize) {
  revcol::widgets::FeatureGrid grid;
  grid.setShape(4, 4, {});
  const QSize four = grid.sizeHint();
  grid.setShape(16, 4, {});
  EXPECT_GT(grid.sizeHint().width(), 3 * four.width());
  const QSize small = grid.sizeHint();
  grid.setCellSize(128);
  EXPECT_GT(grid.sizeHint().height(), small.height());
}

namespace {

using revcol::widgets::Colormap;
using revcol::widgets::FeatureGrid;

QImage solid(int size, const QColor& color) {
  QImage image(size, size, QImage::Format_RGB32);
  image.fill(color);
  return image;
}

bool contains(const QImage& image, const QColor& color) {
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x)
      if (QColor(image.pixel(x, y)) == color) return true;
  return false;
}

QPoint centreOf(const FeatureGrid& grid, int column, int level) {
  for (int y = 0; y < grid.height(); ++y)
    for (int x = 0; x < grid.width(); ++x)
      if (grid.cellAt({x, y}) == std::make_pair(column, level))
        return {x + grid.cellSize() / 2, y + grid.cellSize() / 2};
  return {};
}

}  // namespace

TEST(FeatureGrid, CellsGrowToFillTheWidgetWhileTheMinimumStaysSmall) {
  FeatureGrid grid;
  grid.setShape(4, 4, {"c0", "c1", "c2", "c3"});
  const QSize hint = grid.minimumSizeHint();
  grid.resize(300, 300);
  const int small = grid.cellSize();
  EXPECT_GE(small, 48);
  grid.resize(1400, 1200);
  EXPECT_GT(grid.cellSize(), 2 * small);
  EXPECT_LE(grid.cellSize(), 512);
  // The hints come from the minimum cell size, whatever size the widget has now.
  EXPECT_EQ(grid.minimumSizeHint(), hint);
  EXPECT_LE(grid.minimumSizeHint().width(), 4 * 48 + 160);
  EXPECT_EQ(grid.sizePolicy().horizontalPolicy(), QSizePolicy::Expanding);
  grid.setCellSize(64);
  EXPECT_EQ(grid.minimumCellSize(), 64);
  EXPECT_GT(grid.minimumSizeHint().width(), hint.width());
}

TEST(FeatureGrid, RenderNeverShowsTheSelectionFrame) {
  FeatureGrid grid;
  grid.setShape(3, 2, {"c0", "c1"});
  for (int l = 0; l < 2; ++l)
    for (int c = 0; c < 3; ++c) grid.setCell(c, l, solid(7, QColor(40 + 60 * c, 90, 40 + 100 * l)), "1e-6");
  grid.resize(500, 360);
  const QImage plain = grid.render();
  const QImage window_plain = grid.grab().toImage();
  grid.setSelected(1, 1);
  EXPECT_EQ(grid.render(), plain);
  EXPECT_NE(grid.grab().toImage(), window_plain);  // the window does show it
  EXPECT_EQ(grid.render(2.0).size(), grid.size() * 2);
}

TEST(FeatureGrid, RowScalesRoundTripAndAreDrawnUnlessLeftOut) {
  FeatureGrid grid;
  grid.setShape(2, 3, {"c0", "c1", "c2"});
  grid.resize(400, 500);
  grid.setRowScale(1, Colormap::Magma, -0.5, 2.25);
  grid.clearRowScale(2, "per cell");
  const FeatureGrid::RowScale scale = grid.rowScale(1);
  EXPECT_TRUE(scale.shown);
  EXPECT_EQ(scale.map, Colormap::Magma);
  EXPECT_DOUBLE_EQ(scale.lo, -0.5);
  EXPECT_DOUBLE_EQ(scale.hi, 2.25);
  EXPECT_FALSE(grid.rowScale(2).shown);
  EXPECT_EQ(grid.rowScale(2).note, "per cell");
  EXPECT_FALSE(grid.rowScale(0).shown);
  // The strip's top is the map's top colour: in the export with scales, not without.
  const QColor top = revcol::widgets::colormapColor(Colormap::Magma, 1.0);
  EXPECT_TRUE(contains(grid.render(1.0, true), top));
  EXPECT_FALSE(contains(grid.render(1.0, false), top));
}

TEST(FeatureGrid, ColumnLabelsTooltipsAndCaptionColours) {
  FeatureGrid grid;
  grid.setShape(3, 2, {"c0", "c1"});
  grid.setColumnLabels({"input", "col 1 (first)"});
  EXPECT_EQ(grid.columnLabel(0), "input");
  EXPECT_EQ(grid.columnLabel(1), "col 1 (first)");
  EXPECT_EQ(grid.columnLabel(2), "col 2");
  grid.resize(420, 300);
  grid.setCellToolTip(2, 1, "c1 of column 2: 28 x 28 x 128");
  EXPECT_EQ(grid.cellToolTip(2, 1), "c1 of column 2: 28 x 28 x 128");
  EXPECT_EQ(grid.toolTipAt(centreOf(grid, 2, 1)), "c1 of column 2: 28 x 28 x 128");
  EXPECT_EQ(grid.toolTipAt(centreOf(grid, 0, 0)), "");
  grid.setCell(2, 1, solid(4, Qt::gray), "3.1e-2");
  grid.setCellCaptionColor(2, 1, Qt::red);
  EXPECT_EQ(grid.cellCaptionColor(2, 1), QColor(Qt::red));
  EXPECT_EQ(grid.cellToolTip(2, 1), "c1 of column 2: 28 x 28 x 128");  // setCell keeps it
}

TEST(FeatureGrid, RowHeaderIsAsWideAsTheLongestLabelLine) {
  FeatureGrid one, two;
  const QString line = "14 x 14 x 96 (stride 16)";
  one.setShape(2, 1, {line});
  two.setShape(2, 1, {"c2\n" + line});
  FeatureGrid short_labels;
  short_labels.setShape(2, 1, {"c2"});
  EXPECT_EQ(two.sizeHint().width(), one.sizeHint().width());
  EXPECT_GE(two.sizeHint().width() - short_labels.sizeHint().width(),
            two.fontMetrics().horizontalAdvance(line) - two.fontMetrics().horizontalAdvance("c2") - 2);
}

TEST(FeatureGrid, CaptionLegendAndFootnoteAreDrawnAtTheBottom) {
  FeatureGrid grid;
  grid.setShape(2, 1, {"c0"});
  grid.resize(500, 260);
  const QSize before = grid.sizeHint();
  grid.setFootnote("each cell: channel 0, own range");
  grid.setCaptionLegend("caption: step reconstruction error (relative L2), log colour", 1e-7, 1e-1);
  EXPECT_GT(grid.sizeHint().height(), before.height() + 2 * grid.fontMetrics().height());
  const QImage with = grid.render(1.0, true);
  EXPECT_TRUE(contains(with, revcol::widgets::errorCaptionColor(1e-1)));
  EXPECT_FALSE(contains(grid.render(1.0, false), revcol::widgets::errorCaptionColor(1e-1)));
}

TEST(FeatureGrid, ErrorCaptionColoursRunGreenAmberRedOnALogScale) {
  using revcol::widgets::errorCaptionColor;
  const QColor tiny = errorCaptionColor(1e-7), mid = errorCaptionColor(1e-3), big = errorCaptionColor(0.5);
  EXPECT_NE(tiny, big);
  EXPECT_GT(tiny.green(), tiny.red());     // green
  EXPECT_GT(mid.red(), mid.blue() + 100);  // amber
  EXPECT_GT(mid.green(), 80);
  EXPECT_GT(big.red(), 2 * big.green());                       // red
  EXPECT_EQ(errorCaptionColor(0.0), errorCaptionColor(1e-9));  // exact is as good as it gets
  EXPECT_EQ(errorCaptionColor(std::nan("")), errorCaptionColor(-1.0));
  EXPECT_EQ(errorCaptionColor(-1.0).saturation(), 0);  // grey
  for (double e : {1e-7, 1e-5, 1e-3, 1e-2, 0.5}) EXPECT_LT(errorCaptionColor(e).lightnessF(), 0.55) << e;
}
