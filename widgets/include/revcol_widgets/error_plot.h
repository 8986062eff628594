#pragma once
// Reversible-reconstruction error against column index, one line per level, log scale.
#include <QColor>
#include <QString>
#include <QImage>
#include <QVector>
#include <QWidget>

class QCustomPlot;

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
  // Renders the current plot to a PNG (for exports and tests).
  bool savePng(const QString& path, int width, int height);
  QImage render(int width, int height);  // the plot as an image (exports)
  // The exact value of the point nearest to a widget position (as the hover tooltip shows it), or
  // "" when no point is near.
  QString valueTextAt(const QPoint& widget_pos) const;
  const QVector<PlotSeries>& series() const { return series_; }

 private:
  QCustomPlot* plot_ = nullptr;
  QVector<PlotSeries> series_;
  double floor_value_ = 0;
};

}  // namespace revcol::widgets
