#pragma once
// Reversible-reconstruction error against column index, one line per level, log scale. The legend
// sits in its own row under the axes, never over the data.
#include <QColor>
#include <QImage>
#include <QPair>
#include <QString>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPTextElement;

namespace revcol::widgets {

struct PlotSeries {
  QString name;       // "c0 step fp32"
  QVector<double> x;  // column index
  QVector<double> y;  // relative L2 error (> 0; zeros are drawn at the axis floor)
  QColor color;
  bool dashed = false;
};

class ErrorPlot : public QWidget {
  Q_OBJECT
 public:
  explicit ErrorPlot(QWidget* parent = nullptr);
  void setSeries(const QVector<PlotSeries>& series, const QString& y_label);
  int seriesCount() const;
  // A fixed x range, kept across setSeries (until then: -0.5 .. largest x + 0.5).
  void setXRange(double lo, double hi);
  QPair<double, double> xRange() const;
  void setTitle(const QString& title);  // a line above the axes ("" = none)
  // True when, laid out at the widget's size, the legend does not overlap the axis rect.
  bool legendOutsideData() const;
  // Renders the current plot to a PNG (for exports and tests).
  bool savePng(const QString& path, int width, int height);
  QImage render(int width, int height);  // the plot as an image (exports)
  // The exact value of the point nearest to a widget position (as the hover tooltip shows it), or
  // "" when no point is near.
  QString valueTextAt(const QPoint& widget_pos) const;
  const QVector<PlotSeries>& series() const { return series_; }

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  QCustomPlot* plot_ = nullptr;
  QCPTextElement* title_ = nullptr;
  QVector<PlotSeries> series_;
  double floor_value_ = 0;
  bool fixed_x_ = false;
  double x_lo_ = 0, x_hi_ = 0;
};

}  // namespace revcol::widgets
