#include "box_annotations.h"

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

namespace revcol::widgets {
namespace {
constexpr double kPad = 2;  // text padding inside a label, in its own pixels
}

QColor labelTextColor(const QColor& fill) {
  // Perceived luminance (Rec. 601), which tells yellow from blue better than HSL lightness.
  return qGray(fill.rgb()) > 140 ? Qt::black : Qt::white;
}

BoxLabelItem::BoxLabelItem(const QString& text, const QColor& color, const QFont& font, bool inside)
    : text_(text), color_(color), font_(font) {
  setFlag(QGraphicsItem::ItemIgnoresTransformations);
  const QFontMetricsF fm(font);
  const double w = fm.horizontalAdvance(text) + 2 * kPad, h = fm.height() + 2 * kPad;
  rect_ = QRectF(0, inside ? 0 : -h, w, h);
}

void BoxLabelItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
  painter->fillRect(rect_, color_);
  painter->setPen(labelTextColor(color_));
  painter->setFont(font_);
  painter->drawText(rect_.adjusted(kPad, kPad, -kPad, -kPad), Qt::AlignLeft | Qt::AlignVCenter, text_);
}

void paintAnnotations(QPainter& p, const QVector<BoxAnnotation>& boxes, const QSize& size) {
  if (boxes.isEmpty()) return;
  const double line = std::max(2.0, std::round(size.height() / 300.0));
  QFont font;
  font.setPixelSize(std::max(12, size.height() / 30));
  p.save();
  p.setFont(font);
  const QFontMetricsF fm(font, p.device());
  for (const BoxAnnotation& a : boxes) {
    const QRectF box = a.box.normalized();
    p.setRenderHint(QPainter::Antialiasing, false);  // the outline keeps its exact colour
    p.setPen(QPen(a.color, line, a.dashed ? Qt::DashLine : Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
    p.setBrush(Qt::NoBrush);
    p.drawRect(box);
    if (a.text.isEmpty()) continue;
    p.setRenderHint(QPainter::Antialiasing, true);
    const double w = fm.horizontalAdvance(a.text) + 2 * kPad * 2, h = fm.height() + 2 * kPad;
    // Above the box when there is room, else just inside its top edge; never off the image.
    const double y = box.top() >= h ? box.top() - h : std::max(0.0, box.top());
    const double x = std::clamp(box.left(), 0.0, std::max(0.0, size.width() - w));
    const QRectF label(x, y, w, h);
    p.fillRect(label, a.color);
    p.setPen(labelTextColor(a.color));
    p.drawText(label.adjusted(2 * kPad, kPad, -2 * kPad, -kPad), Qt::AlignLeft | Qt::AlignVCenter, a.text);
  }
  p.restore();
}

}  // namespace revcol::widgets
