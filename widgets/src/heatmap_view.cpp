#include "revcol_widgets/heatmap_view.h"

#include <QPainter>
#include <cmath>

#include "revcol_widgets/colormap.h"

namespace revcol::widgets {

HeatmapView::HeatmapView(QWidget* parent) : QWidget(parent) { setMinimumSize(240, 160); }

void HeatmapView::setData(const QString& title, const QStringList& row_labels, const QStringList& column_labels,
                          const QVector<QVector<double>>& values) {
  title_ = title;
  message_.clear();
  row_labels_ = row_labels;
  column_labels_ = column_labels;
  values_ = values;
  update();
}

void HeatmapView::clear(const QString& message) {
  values_.clear();
  message_ = message;
  update();
}

QString HeatmapView::cellText(int row, int column) const {
  const double v = values_[row][column];
  return std::isfinite(v) ? QString::number(v, 'f', 2) : QString("n/a");
}

void HeatmapView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().window());
  if (values_.isEmpty()) {
    p.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, message_);
    return;
  }
  const QFontMetrics fm(font());
  const int title_h = fm.height() + 6;
  int label_w = 0;
  for (const QString& r : row_labels_) label_w = std::max(label_w, fm.horizontalAdvance(r));
  label_w += 10;
  const int footer_h = fm.height() + 6;
  const QRect area(label_w, title_h, width() - label_w - 6, height() - title_h - footer_h);
  const int rows = this->rows(), cols = columns();
  if (rows == 0 || cols == 0 || area.width() <= 0 || area.height() <= 0) return;
  p.drawText(QRect(0, 0, width(), title_h), Qt::AlignCenter, title_);
  const double cw = double(area.width()) / cols, ch = double(area.height()) / rows;
  for (int r = 0; r < rows; ++r) {
    p.drawText(QRect(0, int(area.top() + r * ch), label_w - 6, int(ch)), Qt::AlignRight | Qt::AlignVCenter,
               row_labels_.value(r));
    for (int c = 0; c < cols; ++c) {
      const QRectF cell(area.left() + c * cw, area.top() + r * ch, cw - 1, ch - 1);
      const double v = values_[r][c];
      const QColor fill =
          std::isfinite(v) ? colormapColor(Colormap::Viridis, std::clamp(v, 0.0, 1.0)) : QColor(160, 160, 160);
      p.fillRect(cell, fill);
      p.setPen(fill.lightnessF() > 0.55 ? Qt::black : Qt::white);
      p.drawText(cell, Qt::AlignCenter, cellText(r, c));
    }
  }
  p.setPen(palette().color(QPalette::WindowText));
  for (int c = 0; c < cols; ++c)
    p.drawText(QRect(int(area.left() + c * cw), area.bottom() + 2, int(cw), footer_h), Qt::AlignCenter,
               column_labels_.value(c));
}

}  // namespace revcol::widgets
