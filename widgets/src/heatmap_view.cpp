#include "revcol_widgets/heatmap_view.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

#include "revcol_widgets/color_bar.h"
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

void HeatmapView::setScaleLabel(const QString& label) {
  scale_label_ = label;
  update();
}

QString HeatmapView::cellText(int row, int column) const {
  const double v = values_[row][column];
  return std::isfinite(v) ? QString::number(v, 'f', 2) : QString("n/a");
}

QImage HeatmapView::render(int width, int height) const {
  QImage image(std::max(1, width), std::max(1, height), QImage::Format_RGB32);
  image.setDotsPerMeterX(int(logicalDpiX() / 0.0254));  // text at the size the window shows it
  image.setDotsPerMeterY(int(logicalDpiY() / 0.0254));
  image.fill(palette().color(QPalette::Window));
  QPainter p(&image);
  p.setFont(font());
  paint(p, image.size());
  return image;
}

void HeatmapView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().window());
  paint(p, size());
}

void HeatmapView::paint(QPainter& p, const QSize& area_size) const {
  // Every text outside the cells is set to the window text colour explicitly: the cell labels
  // switch the pen to black or white, which must not leak into the row labels.
  const QColor text = palette().color(QPalette::WindowText);
  p.setPen(text);
  const QRect bounds(QPoint(0, 0), area_size);
  if (values_.isEmpty()) {
    p.drawText(bounds.adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, message_);
    return;
  }
  const QFontMetrics fm = p.fontMetrics();
  const int title_h = fm.height() + 6;
  int label_w = 0;
  for (const QString& r : row_labels_) label_w = std::max(label_w, fm.horizontalAdvance(r));
  label_w += 10;
  const int footer_h = fm.height() + 6;
  const int bar_h = colorBarHeight(fm) + 6;
  const QRect area(label_w, title_h, bounds.width() - label_w - 6, bounds.height() - title_h - footer_h - bar_h);
  const int rows = this->rows(), cols = columns();
  if (rows == 0 || cols == 0 || area.width() <= 0 || area.height() <= 0) return;
  p.drawText(QRect(0, 0, bounds.width(), title_h), Qt::AlignCenter, title_);
  const double cw = double(area.width()) / cols, ch = double(area.height()) / rows;
  for (int r = 0; r < rows; ++r) {
    p.setPen(text);
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
  p.setPen(text);
  for (int c = 0; c < cols; ++c)
    p.drawText(QRect(int(area.left() + c * cw), area.bottom() + 2, int(cw), footer_h), Qt::AlignCenter,
               column_labels_.value(c));
  const QRect bar(area.left(), area.bottom() + 2 + footer_h + 2, area.width(), bar_h - 4);
  paintColorBar(p, bar, Colormap::Viridis, 0.0, 1.0, scale_label_, false, text);
}

}  // namespace revcol::widgets
