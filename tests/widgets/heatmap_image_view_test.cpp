// The CKA heat map's readable labels and colour bar; ImageView's box annotations.
#include <gtest/gtest.h>

#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QPalette>

#include "revcol_widgets/colormap.h"
#include "revcol_widgets/heatmap_view.h"
#include "revcol_widgets/image_view.h"

using namespace revcol::widgets;

namespace {

bool near(const QColor& a, const QColor& b, int tolerance) {
  return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance &&
         std::abs(a.blue() - b.blue()) <= tolerance;
}

bool regionHas(const QImage& image, const QRect& region, const std::function<bool(const QColor&)>& test) {
  const QRect r = region.intersected(image.rect());
  for (int y = r.top(); y <= r.bottom(); ++y)
    for (int x = r.left(); x <= r.right(); ++x)
      if (test(QColor(image.pixel(x, y)))) return true;
  return false;
}

}  // namespace

TEST(HeatmapView, RowLabelsAreDarkOnLightAndAColourBarSitsUnderTheMap) {
  HeatmapView view;
  QPalette light = view.palette();
  light.setColor(QPalette::Window, QColor(239, 239, 239));
  light.setColor(QPalette::WindowText, Qt::black);
  view.setPalette(light);
  // Dark cells first: their white cell text must not turn the labels of the next rows white.
  view.setData("CKA", {"c0", "c1", "c2", "c3"}, {"1", "2", "3"},
               {{0.3, 0.35, 0.4}, {0.45, 0.5, 0.55}, {0.6, 0.65, 0.7}, {0.3, 0.5, 0.7}});
  const QImage image = view.render(400, 300);
  ASSERT_EQ(image.size(), QSize(400, 300));
  // Rows 1 and 2 (not the first row, drawn before any cell changed the pen).
  const QRect labels(0, 95, 18, 80);
  EXPECT_TRUE(regionHas(image, labels, [](const QColor& c) { return c.lightnessF() < 0.4; }));
  const QRect bottom(0, 240, 400, 60);
  const QColor lo = colormapColor(Colormap::Viridis, 0.0), hi = colormapColor(Colormap::Viridis, 1.0);
  EXPECT_TRUE(regionHas(image, bottom, [&](const QColor& c) { return near(c, lo, 3); }));
  EXPECT_TRUE(regionHas(image, bottom, [&](const QColor& c) { return near(c, hi, 3); }));
  // Nothing in the map itself comes near the ends of the scale.
  EXPECT_FALSE(regionHas(image, QRect(0, 0, 400, 120), [&](const QColor& c) { return near(c, hi, 3); }));
}

TEST(ImageView, BoxesAreSceneItemsAndComposedIntoExports) {
  ImageView view;
  QImage image(200, 120, QImage::Format_RGB32);
  image.fill(QColor(128, 128, 128));
  view.setImage(image);
  const int items_before = int(view.scene()->items().size());
  view.setAnnotations({{QRectF(QPointF(20, 40), QPointF(120, 100)), QColor(255, 0, 0), "cat 0.91", false},
                       {QRectF(QPointF(130, 0), QPointF(190, 50)), QColor(0, 0, 255), "dog 0.40", true}});
  EXPECT_EQ(view.annotationCount(), 2);
  EXPECT_EQ(int(view.scene()->items().size()), items_before + 4);  // two boxes, two labels
  int fixed_size_labels = 0;
  for (QGraphicsItem* item : view.scene()->items())
    fixed_size_labels += bool(item->flags() & QGraphicsItem::ItemIgnoresTransformations);
  EXPECT_EQ(fixed_size_labels, 2);

  const QImage composed = view.composedImage();
  ASSERT_EQ(composed.size(), image.size());
  EXPECT_NE(composed, image.convertToFormat(QImage::Format_RGB32));
  const auto red = [](const QColor& c) { return c == QColor(255, 0, 0); };
  EXPECT_TRUE(regionHas(composed, QRect(68, 98, 5, 5), red));     // bottom edge
  EXPECT_TRUE(regionHas(composed, QRect(18, 68, 5, 5), red));     // left edge
  EXPECT_TRUE(regionHas(composed, QRect(118, 68, 5, 5), red));    // right edge
  EXPECT_FALSE(regionHas(composed, QRect(40, 60, 60, 30), red));  // not filled
  EXPECT_TRUE(regionHas(composed, QRect(20, 15, 30, 25), red));   // the label's background, above the box

  view.setAnnotations({});
  EXPECT_EQ(view.annotationCount(), 0);
  EXPECT_EQ(int(view.scene()->items().size()), items_before);
  EXPECT_EQ(view.composedImage(), image.convertToFormat(QImage::Format_RGB32));
}
