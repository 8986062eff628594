#pragma once
// Hover readout shared by the plots: the data point nearest to the mouse, with its exact value
// (the plots draw zeros at a log-axis floor, so reading the value off the axis would mislead).
#include <QPoint>
#include <QString>
#include <QVector>

#include "revcol_widgets/error_plot.h"

class QCustomPlot;
class QCPAxis;

namespace revcol::widgets {

// Exact zeros have no place on a log axis: they are drawn at `floor`, a decade under the smallest
// positive value of `series` (`fallback_lo` when there is none); `hi` is the largest value.
struct LogAxisRange {
  double floor = 0, hi = 0;
};
LogAxisRange logAxisRange(const QVector<PlotSeries>& series, double fallback_lo);
// `y` with every value that is not > 0 replaced by `floor`.
QVector<double> floored(const QVector<double>& y, double floor);

// "NAME: X_LABEL X, VALUE" for the point of `series` (drawn against xAxis and `value_axis` of
// `plot`) nearest to `pos`, or "" when none is within `radius` pixels.
QString nearestPointText(const QCustomPlot* plot, const QCPAxis* value_axis, const QVector<PlotSeries>& series,
                         const QPoint& pos, const QString& x_label, double floor_value, int radius = 12);

}  // namespace revcol::widgets
