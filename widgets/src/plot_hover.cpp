#include "plot_hover.h"

#include <cmath>
#include <limits>
#include <qcustomplot.h>

namespace revcol::widgets {

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
