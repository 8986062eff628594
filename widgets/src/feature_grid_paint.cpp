// FeatureGrid painting, shared by the window (paintEvent) and exports (render), and the caption
// colours of reconstruction errors.
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "revcol_widgets/color_bar.h"
#include "revcol_widgets/feature_grid.h"

namespace revcol::widgets {
namespace {

constexpr double kGreenDecade = -6, kRedDecade = -1;

QColor mix(const QColor& a, const QColor& b, double u) {
  return QColor::fromRgbF(float(a.redF() + u * (b.redF() - a.redF())),
                          float(a.greenF() + u * (b.greenF() - a.greenF())),
                          float(a.blueF() + u * (b.blueF() - a.blueF())));
}

// Centred in `r`: shrinks the font down to 3/4 before eliding, so a caption such as "3.98e-05"
// stays whole under a small cell.
void drawFittedText(QPainter& p, const QRect& r, const QString& text) {
  const int advance = p.fontMetrics().horizontalAdvance(text);
  p.save();
  if (advance > r.width() && advance > 0) {
    QFont small = p.font();
    const double factor = std::max(0.75, double(r.width()) / advance);
    if (small.pixelSize() > 0)  // a font given in pixels has no point size
      small.setPixelSize(std::max(1, int(small.pixelSize() * factor)));
    else
      small.setPointSizeF(small.pointSizeF() * factor);
    p.setFont(small);
  }
  p.drawText(r, Qt::AlignCenter, p.fontMetrics().elidedText(text, Qt::ElideRight, r.width()));
  p.restore();
}

}  // namespace

QColor errorCaptionColor(double rel_error) {
  if (std::isnan(rel_error) || rel_error < 0) return QColor(128, 128, 128);
  // Decades from 1e-6 (fp32 round-off: exact reconstruction) to 1e-1 (broken); dark enough
  // everywhere to read as text on a light window.
  const QColor green(0, 120, 40), amber(200, 125, 0), red(205, 25, 25);
  const double decade = std::log10(std::max(rel_error, 1e-300));
  const double t = std::clamp((decade - kGreenDecade) / (kRedDecade - kGreenDecade), 0.0, 1.0);
  constexpr double kAmber = 0.6;  // 1e-3
  return t < kAmber ? mix(green, amber, t / kAmber) : mix(amber, red, (t - kAmber) / (1 - kAmber));
}

void FeatureGrid::paint(QPainter& p, const QSize& area, bool selection, bool scales) const {
  const Layout g = layoutFor(area, scales);
  const QFontMetrics fm = p.fontMetrics();
  const QColor text = palette().color(QPalette::WindowText);
  p.setPen(text);
  for (int c = 0; c < columns_; ++c) {
    const QRect r = g.cellRect(c, 0);
    drawFittedText(p, QRect(r.left() - g.gap / 2 + 2, 0, r.width() + g.gap - 4, g.header_h), columnLabel(c));
  }
  for (int l = 0; l < levels_; ++l) {
    const QRect r = g.cellRect(0, l);
    p.drawText(QRect(0, r.top(), g.header_w - 6, r.height()), Qt::AlignVCenter | Qt::AlignRight, rowLabel(l));
  }
  for (int l = 0; l < levels_; ++l) {
    for (int c = 0; c < columns_; ++c) {
      const QRect r = g.cellRect(c, l);
      const Cell& cell = *this->cell(c, l);
      p.fillRect(r, QColor(30, 30, 30));
      if (!cell.image.isNull()) {
        // Keep the aspect ratio and draw feature pixels as blocks (no smoothing).
        const QSize s = cell.image.size().scaled(r.size(), Qt::KeepAspectRatio);
        p.drawImage(QRect(r.center() - QPoint(s.width() / 2, s.height() / 2), s), cell.image);
      }
      if (selection && c == sel_column_ && l == sel_level_) {
        p.setPen(QPen(palette().highlight().color(), 3));
        p.drawRect(r.adjusted(-1, -1, 1, 1));
      }
      if (!cell.caption.isEmpty()) {
        p.setPen(cell.caption_color.isValid() ? cell.caption_color : text);
        // A little into the gaps, never touching the neighbour's caption.
        drawFittedText(p, QRect(r.left() - g.gap / 2 + 2, r.bottom() + 1, r.width() + g.gap - 4, g.caption_h),
                       cell.caption);
      }
      p.setPen(text);
    }
    if (g.scale_w > 0) paintRowScale(p, g, l);
  }
  p.setPen(text);
  if (g.footnote_h > 0) {
    const QRect r(4, g.footnote_y, area.width() - 8, g.footnote_h);
    p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(footnote_, Qt::ElideRight, r.width()));
  }
  if (g.legend_h > 0) paintCaptionLegend(p, g, area.width());
}

void FeatureGrid::paintRowScale(QPainter& p, const Layout& g, int level) const {
  const RowScale& s = row_scales_[size_t(level)];
  const QRect row = g.cellRect(0, level);
  const QFontMetrics fm = p.fontMetrics();
  const int x = g.scale_x + 2;
  const QRect text(x + g.strip + 4, row.top(), g.scale_x + g.scale_w - (x + g.strip + 4), row.height());
  if (!s.shown) {
    if (s.note.isEmpty()) return;
    QFont italic = p.font();
    italic.setItalic(true);
    p.save();
    p.setFont(italic);
    p.drawText(text.adjusted(-(g.strip + 4), 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
               p.fontMetrics().elidedText(s.note, Qt::ElideRight, text.width() + g.strip + 4));
    p.restore();
    return;
  }
  // Hi at the top, lo at the bottom, as on a matplotlib colorbar.
  const int h = row.height();
  for (int y = 0; y < h; ++y) {
    const double t = h > 1 ? 1.0 - double(y) / (h - 1) : 1.0;
    p.fillRect(QRect(x, row.top() + y, g.strip, 1), colormapColor(s.map, t));
  }
  p.drawText(text, Qt::AlignLeft | Qt::AlignTop, formatScaleValue(s.hi));
  if (h >= 2 * fm.height()) p.drawText(text, Qt::AlignLeft | Qt::AlignBottom, formatScaleValue(s.lo));
}

void FeatureGrid::paintCaptionLegend(QPainter& p, const Layout& g, int width) const {
  const QFontMetrics fm = p.fontMetrics();
  const int mid = g.legend_y + g.legend_h / 2;
  const QString lo = formatScaleValue(legend_lo_), hi = formatScaleValue(legend_hi_);
  int x = 4;
  const QColor text = palette().color(QPalette::WindowText);
  p.setPen(errorCaptionColor(legend_lo_));
  p.drawText(QRect(x, g.legend_y, fm.horizontalAdvance(lo), g.legend_h), Qt::AlignVCenter, lo);
  x += fm.horizontalAdvance(lo) + 4;
  // The gradient runs in log10 of the error, as the caption colours do.
  const int ramp = 80;
  const bool log = legend_lo_ > 0 && legend_hi_ > legend_lo_;
  for (int i = 0; i < ramp; ++i) {
    const double t = double(i) / (ramp - 1);
    const double v =
        log ? legend_lo_ * std::pow(legend_hi_ / legend_lo_, t) : legend_lo_ + t * (legend_hi_ - legend_lo_);
    p.fillRect(QRect(x + i, mid - fm.height() / 3, 1, 2 * (fm.height() / 3)), errorCaptionColor(v));
  }
  x += ramp + 4;
  p.setPen(errorCaptionColor(legend_hi_));
  p.drawText(QRect(x, g.legend_y, fm.horizontalAdvance(hi), g.legend_h), Qt::AlignVCenter, hi);
  x += fm.horizontalAdvance(hi) + 10;
  p.setPen(text);
  const QRect title(x, g.legend_y, width - x - 4, g.legend_h);
  if (title.width() > 0)
    p.drawText(title, Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(legend_title_, Qt::ElideRight, title.width()));
}

}  // namespace revcol::widgets
