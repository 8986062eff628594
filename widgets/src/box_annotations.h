#pragma once
// Box annotations of ImageView: the scene items that show them and the painting for exports.
#include <QFont>
#include <QGraphicsItem>
#include <QPainter>
#include <QVector>

#include "revcol_widgets/image_view.h"

namespace revcol::widgets {

// Black or white, whichever reads on `fill`.
QColor labelTextColor(const QColor& fill);

// A box's label: its text on a filled background in the box colour, drawn at the same screen size
// at every zoom (ItemIgnoresTransformations), anchored at the box's top-left corner, above the box
// or (`inside`) just below its top edge.
class BoxLabelItem : public QGraphicsItem {
 public:
  BoxLabelItem(const QString& text, const QColor& color, const QFont& font, bool inside);
  QRectF boundingRect() const override { return rect_; }
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 private:
  QString text_;
  QColor color_;
  QFont font_;
  QRectF rect_;
};

// Draws the boxes onto an image of `size` pixels: lines max(2, height / 300) px, labels in a font
// of max(12, height / 30) px, kept inside the image.
void paintAnnotations(QPainter& p, const QVector<BoxAnnotation>& boxes, const QSize& size);

}  // namespace revcol::widgets
