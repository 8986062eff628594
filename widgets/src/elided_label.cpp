#include "elided_label.h"

#include <QPainter>
#include <algorithm>

namespace revcol::widgets {

ElidedLabel::ElidedLabel(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void ElidedLabel::setText(const QString& text) {
  if (text == text_) return;
  text_ = text;
  setToolTip(text);
  if (fontMetrics().horizontalAdvance(text) > fontMetrics().horizontalAdvance(reserve_)) updateGeometry();
  update();
}

void ElidedLabel::setReserve(const QString& sample) {
  reserve_ = sample;
  updateGeometry();
}

QSize ElidedLabel::sizeHint() const {
  const QFontMetrics fm = fontMetrics();
  return {std::max(fm.horizontalAdvance(text_), fm.horizontalAdvance(reserve_)) + 4, fm.height() + 2};
}

QSize ElidedLabel::minimumSizeHint() const { return {0, fontMetrics().height() + 2}; }

void ElidedLabel::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setPen(palette().color(QPalette::WindowText));
  const QRect r = rect().adjusted(2, 0, -2, 0);
  p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, fontMetrics().elidedText(text_, Qt::ElideRight, r.width()));
}

}  // namespace revcol::widgets
