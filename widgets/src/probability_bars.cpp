#include "revcol_widgets/probability_bars.h"
#include "item_tooltip.h"

#include <QEvent>
#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace revcol::widgets {
namespace {

constexpr int kMargin = 4;
constexpr int kSpacing = 6;
const QColor kDefaultBar(66, 120, 200);

double clampedValue(double v) { return std::isfinite(v) ? std::clamp(v, 0.0, 1.0) : 0.0; }

}  // namespace

QString formatPercent(double p) {
  if (!(p > 0)) return "0 %";
  if (p < 0.0005) return "<0.1 %";  // would round to "0.0 %", which reads as impossible
  return QString("%1 %").arg(p * 100.0, 0, 'f', 1);
}

ProbabilityBars::ProbabilityBars(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void ProbabilityBars::setTitle(const QString& title) {
  title_ = title;
  updateGeometry();
  update();
}

void ProbabilityBars::setRows(const QVector<BarRow>& rows) {
  rows_ = rows;
  updateGeometry();
  update();
}

void ProbabilityBars::setMessage(const QString& message) {
  message_ = message;
  update();
}

ProbabilityBars::Geometry ProbabilityBars::geometry() const {
  const QFontMetrics fm = fontMetrics();
  Geometry g;
  g.title_h = title_.isEmpty() ? kMargin : fm.height() + 2 * kMargin;
  g.row_h = fm.height() + 6;  // from the font, so large fonts keep their rows apart
  int label_w = 0;
  for (const BarRow& r : rows_) {
    // +2: the rounded advance can fall a fraction short, and elidedText would then cut the label.
    label_w = std::max(label_w, fm.horizontalAdvance(r.label) + 2);
    g.text_w = std::max(g.text_w, fm.horizontalAdvance(r.text));
  }
  const int inner = std::max(0, width() - 2 * kMargin);
  // Labels take at most 40 % of the width and elide beyond: the bars are the point.
  g.label_w = std::min(label_w, inner * 2 / 5);
  g.track_x = kMargin + g.label_w + kSpacing;
  g.track_w = std::max(0, inner - g.label_w - g.text_w - 2 * kSpacing);
  return g;
}

double ProbabilityBars::barTrackLength() const { return geometry().track_w; }

double ProbabilityBars::barLength(int row) const {
  if (row < 0 || row >= rows_.size()) return 0;
  return clampedValue(rows_[row].value) * barTrackLength();
}

QRectF ProbabilityBars::barRect(int row) const {
  if (row < 0 || row >= rows_.size()) return {};
  const Geometry g = geometry();
  const int top = rowTop(g, row);
  return QRectF(g.track_x, top + 3, clampedValue(rows_[row].value) * g.track_w, g.row_h - 6);
}

QString ProbabilityBars::text() const {
  QStringList lines;
  if (!title_.isEmpty()) lines << title_;
  for (const BarRow& r : rows_) lines << r.label + "  " + r.text;
  if (rows_.isEmpty() && !message_.isEmpty()) lines << message_;
  return lines.join('\n');
}

QString ProbabilityBars::toolTipAt(const QPoint& pos) const {
  const Geometry g = geometry();
  if (pos.y() < g.title_h || g.row_h <= 0) return {};
  const int row = (pos.y() - g.title_h) / g.row_h;
  if (row >= rows_.size()) return {};
  const BarRow& r = rows_[row];
  QString tip = r.label + "  " + r.text;
  if (!r.tooltip.isEmpty()) tip += "\n" + r.tooltip;
  return tip;
}

QSize ProbabilityBars::sizeHint() const {
  const Geometry g = geometry();
  const int rows = std::max(1, int(rows_.size()));  // the message needs a line too
  return {320, g.title_h + rows * g.row_h + kMargin};
}

QSize ProbabilityBars::minimumSizeHint() const { return {160, sizeHint().height()}; }

bool ProbabilityBars::event(QEvent* event) {
  if (showItemToolTip(this, event, [this](const QPoint& pos) { return toolTipAt(pos); })) return true;
  return QWidget::event(event);
}

void ProbabilityBars::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const Geometry g = geometry();
  const QFontMetrics fm = fontMetrics();
  const QColor text_color = palette().color(QPalette::WindowText);
  p.setPen(text_color);
  if (!title_.isEmpty()) {
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    const QRect r(kMargin, kMargin, width() - 2 * kMargin, fm.height());
    p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, p.fontMetrics().elidedText(title_, Qt::ElideRight, r.width()));
    p.setFont(font());
  }
  if (rows_.isEmpty()) {
    QFont italic = font();
    italic.setItalic(true);
    p.setFont(italic);
    const QRect r(kMargin, g.title_h, width() - 2 * kMargin, g.row_h);
    p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, p.fontMetrics().elidedText(message_, Qt::ElideRight, r.width()));
    return;
  }
  // A faint track shows where 100 % would end, so a short bar reads as small, not as missing.
  QColor track = text_color;
  track.setAlpha(28);
  for (int i = 0; i < rows_.size(); ++i) {
    const BarRow& row = rows_[i];
    const int top = rowTop(g, i);
    const QRect label_rect(kMargin, top, g.label_w, g.row_h);
    p.setPen(text_color);
    p.drawText(label_rect, Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(row.label, Qt::ElideRight, g.label_w));
    p.fillRect(QRect(g.track_x, top + 3, g.track_w, g.row_h - 6), track);
    const QRectF bar = barRect(i);
    if (bar.width() > 0) p.fillRect(bar, row.color.isValid() ? row.color : kDefaultBar);
    p.drawText(QRect(g.track_x + g.track_w + kSpacing, top, g.text_w, g.row_h), Qt::AlignRight | Qt::AlignVCenter,
               row.text);
  }
}

}  // namespace revcol::widgets
