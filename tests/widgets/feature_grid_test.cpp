#include <gtest/gtest.h>

#include <QApplication>
#include <QMouseEvent>

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
