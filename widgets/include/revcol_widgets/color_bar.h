#pragma once
// A horizontal colour bar with its end values, like matplotlib's colorbar beside an imshow: every
// image of numbers in the studio carries one, in the window and in exported figures.
#include <QColor>
#include <QImage>
#include <QRect>
#include <QString>
#include <QWidget>

#include "revcol_widgets/colormap.h"

class QFontMetrics;
class QPainter;

namespace revcol::widgets {

// 3 significant digits, the shortest of fixed and exponent form: "0.0123", "46.2", "4.6e-07", "0".
QString formatScaleValue(double v);

// Height of a bar drawn with these metrics: the gradient strip, then one line of text under it.
int colorBarHeight(const QFontMetrics& fm);
// Draws the bar into `rect`: the strip spans rect's full width on its top rows (leftmost pixel
// colour 0, rightmost colour 1), lo under its left end, hi under its right end, the label centred
// between them. log: the colours run linearly in log10(value) and ticks mark the powers of ten.
void paintColorBar(QPainter& p, const QRect& rect, Colormap map, double lo, double hi, const QString& label, bool log,
                   const QColor& text_color);

class ColorBar : public QWidget {
  Q_OBJECT
 public:
  explicit ColorBar(QWidget* parent = nullptr);

  // log: lo, hi > 0 (a range that is not is shown as linear).
  void setScale(Colormap map, double lo, double hi, const QString& label, bool log = false);
  // No scale (an RGB composite, nothing computed yet): draws `message` in italics instead.
  void clear(const QString& message = {});

  bool hasScale() const { return has_scale_; }
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  QString loText() const { return formatScaleValue(lo_); }
  QString hiText() const { return formatScaleValue(hi_); }
  Colormap colormap() const { return map_; }
  QString label() const { return label_; }
  bool isLog() const { return log_; }
  QString message() const { return message_; }

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  bool has_scale_ = false;
  Colormap map_ = Colormap::Viridis;
  double lo_ = 0, hi_ = 1;
  QString label_;
  bool log_ = false;
  QString message_;
};

// The same bar drawn into an image `width` px wide on white, black text (exported figures).
QImage renderColorBar(Colormap map, double lo, double hi, const QString& label, int width, bool log = false,
                      int font_pixels = 14);

}  // namespace revcol::widgets
