#include "revcol_widgets/color_bar.h"

#include <QFontMetrics>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace revcol::widgets {
namespace {

int stripHeight(const QFontMetrics& fm) { return std::max(6, fm.height() * 2 / 3); }
constexpr int kTick = 3;  // tick marks hang under the strip, so the strip's own pixels stay pure colour

}  // namespace

QString formatScaleValue(double v) {
  if (v == 0) return "0";  // also turns -0 into "0"
  return QString::number(v, 'g', 3);
}

int colorBarHeight(const QFontMetrics& fm) { return stripHeight(fm) + kTick + 1 + fm.height(); }

void paintColorBar(QPainter& p, const QRect& rect, Colormap map, double lo, double hi, const QString& label, bool log,
                   const QColor& text_color) {
  if (rect.width() <= 0) return;
  p.save();
  p.setRenderHint(QPainter::Antialiasing, false);
  const QFontMetrics fm = p.fontMetrics();
  const int strip_h = stripHeight(fm);
  const int w = rect.width();
  // One column per pixel: the end pixels are exactly the map's end colours.
  for (int x = 0; x < w; ++x) {
    const double t = w > 1 ? double(x) / (w - 1) : 0.0;
    p.fillRect(QRect(rect.left() + x, rect.top(), 1, strip_h), colormapColor(map, t));
  }
  p.setPen(text_color);
  const int tick_top = rect.top() + strip_h;
  if (log && lo > 0 && hi > lo) {
    const double a = std::log10(lo), b = std::log10(hi);
    // A hair of slack: log10(1e-7) may come out as -6.9999999999999991.
    for (double k = std::ceil(a - 1e-9); k <= std::floor(b + 1e-9); k += 1.0) {
      const int x = rect.left() + int(std::lround((k - a) / (b - a) * (w - 1)));
      p.drawLine(x, tick_top, x, tick_top + kTick - 1);
    }
  } else {
    p.drawLine(rect.left(), tick_top, rect.left(), tick_top + kTick - 1);
    p.drawLine(rect.right(), tick_top, rect.right(), tick_top + kTick - 1);
  }
  const QRect text(rect.left(), tick_top + kTick + 1, w, fm.height());
  const QString lo_text = formatScaleValue(lo), hi_text = formatScaleValue(hi);
  p.drawText(text, Qt::AlignLeft | Qt::AlignVCenter, lo_text);
  p.drawText(text, Qt::AlignRight | Qt::AlignVCenter, hi_text);
  // The label sits between the end values and gives way to them when narrow.
  const int side = std::max(fm.horizontalAdvance(lo_text), fm.horizontalAdvance(hi_text)) + fm.horizontalAdvance("  ");
  const QRect middle = text.adjusted(side, 0, -side, 0);
  if (!label.isEmpty() && middle.width() > fm.horizontalAdvance("...."))
    p.drawText(middle, Qt::AlignCenter, fm.elidedText(label, Qt::ElideRight, middle.width()));
  p.restore();
}

ColorBar::ColorBar(QWidget* parent) : QWidget(parent) { setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed); }

void ColorBar::setScale(Colormap map, double lo, double hi, const QString& label, bool log) {
  has_scale_ = true;
  map_ = map;
  lo_ = lo;
  hi_ = hi;
  label_ = label;
  log_ = log;
  message_.clear();
  setToolTip(QString("%1: %2 .. %3%4").arg(label, loText(), hiText(), log ? ", log scale" : ""));
  update();
}

void ColorBar::clear(const QString& message) {
  has_scale_ = false;
  message_ = message;
  setToolTip(message);
  update();
}

QSize ColorBar::sizeHint() const { return {240, colorBarHeight(fontMetrics()) + 4}; }
QSize ColorBar::minimumSizeHint() const { return {100, colorBarHeight(fontMetrics()) + 4}; }

void ColorBar::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QRect r = rect().adjusted(2, 2, -2, -2);
  if (has_scale_) {
    paintColorBar(p, r, map_, lo_, hi_, label_, log_, palette().color(QPalette::WindowText));
    return;
  }
  QFont italic = font();
  italic.setItalic(true);
  p.setFont(italic);
  p.setPen(palette().color(QPalette::WindowText));
  p.drawText(r, Qt::AlignCenter, p.fontMetrics().elidedText(message_, Qt::ElideRight, r.width()));
}

QImage renderColorBar(Colormap map, double lo, double hi, const QString& label, int width, bool log, int font_pixels) {
  QFont font;
  font.setPixelSize(std::max(6, font_pixels));
  QImage probe(1, 1, QImage::Format_RGB32);  // metrics as the image will draw them
  const int height = colorBarHeight(QFontMetrics(font, &probe)) + 2;
  QImage image(std::max(1, width), height, QImage::Format_RGB32);
  image.fill(Qt::white);
  QPainter p(&image);
  p.setFont(font);
  paintColorBar(p, QRect(0, 0, image.width(), height - 2), map, lo, hi, label, log, Qt::black);
  return image;
}

}  // namespace revcol::widgets
