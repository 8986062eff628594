#include "plot_hover.h"

#include <cmath>
#include <limits>
#include <qcustomplot.h>

namespace revcol::widgets {

LogAxisRange logAxisRange(const QVector<PlotSeries>& series, double fallback_lo) {
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (const PlotSeries& s : series)
    for (double v : s.y)
      if (v > 0 && std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
  if (!(hi > 0)) {
    lo = fallback_lo;
    hi = 1.0;
  }
  return {lo / 10.0, hi};
}

QVector<double> floored(const QVector<double>& y, double floor) {
  QVector<double> out = y;
  for (double& v : out)
    if (!(v > 0)) v = floor;
  return out;
}

QString nearestPointText(const QCustomPlot* plot, const QCPAxis* value_axis, const QVector<PlotSeries>& series,
                         const QPoint& pos, const QString& x_label, double floor_value, int radius) {
  double best = double(radius) * radius;
  QString text;
  for (const PlotSeries& s : series) {
    for (int i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      const double y = s.y[i] > 0 || value_axis->scaleType() == QCPAxis::stLinear ? s.y[i] : floor_value;
      if (!std::isfinite(y)) continue;
      const double dx = plot->xAxis->coordToPixel(s.x[i]) - pos.x();
      const double dy = value_axis->coordToPixel(y) - pos.y();
      if (dx * dx + dy * dy > best) continue;
      best = dx * dx + dy * dy;
      text = QString("%1: %2 %3, %4").arg(s.name, x_label).arg(s.x[i]).arg(s.y[i], 0, 'g', 6);
    }
  }
  return text;
}

}  // namespace revcol::widgets
