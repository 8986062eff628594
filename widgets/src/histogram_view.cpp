#include "revcol_widgets/histogram_view.h"

#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

namespace revcol::widgets {

Histogram computeHistogram(const float* values, size_t count, int bins) {
  Histogram h;
  bins = std::max(1, bins);
  double lo = INFINITY, hi = -INFINITY, sum = 0;
  for (size_t i = 0; i < count; ++i) {
    const double v = values[i];
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
    ++h.finite;
  }
  h.counts.assign(size_t(bins), 0.0);
  if (h.finite == 0) return h;
  h.lo = lo;
  h.hi = hi;
  h.mean = sum / double(h.finite);
  const double width = hi > lo ? (hi - lo) / bins : 1.0;
  for (size_t i = 0; i < count; ++i) {
    const double v = values[i];
    if (!std::isfinite(v)) continue;
    const int b = std::clamp(int((v - lo) / width), 0, bins - 1);  // the maximum falls in the last bin
    h.counts[size_t(b)] += 1;
  }
  return h;
}

HistogramView::HistogramView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  plot_ = new QCustomPlot(this);
  plot_->setMinimumHeight(120);
  layout->addWidget(plot_);
}

void HistogramView::setValues(const float* values, size_t count, const QString& title, int bins) {
  histogram_ = computeHistogram(values, count, bins);
  plot_->clearPlottables();
  plot_->clearItems();
  auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
  const double width = histogram_.hi > histogram_.lo ? (histogram_.hi - histogram_.lo) / bins : 1.0;
  QVector<double> x, y;
  for (size_t i = 0; i < histogram_.counts.size(); ++i) {
    x.push_back(histogram_.lo + (double(i) + 0.5) * width);
    y.push_back(histogram_.counts[i]);
  }
  bars->setData(x, y, true);
  bars->setWidth(width);
  bars->setPen(Qt::NoPen);
  bars->setBrush(QColor(59, 130, 246));
  auto* mean = new QCPItemStraightLine(plot_);
  mean->point1->setCoords(histogram_.mean, 0);
  mean->point2->setCoords(histogram_.mean, 1);
  mean->setPen(QPen(Qt::red, 1.5, Qt::DashLine));
  plot_->xAxis->setLabel(title);
  plot_->rescaleAxes();
  plot_->replot();
}

}  // namespace revcol::widgets
