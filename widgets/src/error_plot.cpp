#include "revcol_widgets/error_plot.h"

#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

#include "plot_hover.h"
#include "plot_layout.h"

namespace revcol::widgets {

ErrorPlot::ErrorPlot(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  plot_ = new QCustomPlot(this);
  plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
  plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  plot_->yAxis->setNumberFormat("eb");
  plot_->yAxis->setNumberPrecision(0);
  plot_->xAxis->setLabel("column");
  QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
  ticker->setTickStep(1.0);
  plot_->xAxis->setTicker(ticker);
  placeLegendBelow(plot_);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  // An explicit minimum: QCustomPlot's own minimum grows with the legend and would widen a dock.
  plot_->setMinimumSize(160, 180);
  layout->addWidget(plot_);
  setMinimumHeight(180);
  plot_->setMouseTracking(true);
  connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
    const QString text = valueTextAt(plot_->mapTo(this, event->position().toPoint()));
    if (text.isEmpty())
      QToolTip::hideText();
    else
      QToolTip::showText(event->globalPosition().toPoint(), text, plot_);
  });
}

QString ErrorPlot::valueTextAt(const QPoint& widget_pos) const {
  return nearestPointText(plot_, plot_->yAxis, series_, plot_->mapFrom(this, widget_pos), "column", floor_value_);
}

void ErrorPlot::setSeries(const QVector<PlotSeries>& series, const QString& y_label) {
  plot_->clearGraphs();
  plot_->yAxis->setLabel(y_label);
  const LogAxisRange range = logAxisRange(series, 1e-12);
  const double floor_value = range.floor;
  const double hi = range.hi;
  series_ = series;
  floor_value_ = floor_value;
  double xmax = 1;
  for (const PlotSeries& s : series) {
    QCPGraph* g = plot_->addGraph();
    g->setName(s.name);
    QPen pen(s.color.isValid() ? s.color : QColor(Qt::black), 1.6);
    if (s.dashed) pen.setStyle(Qt::DashLine);
    g->setPen(pen);
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    g->setData(s.x, floored(s.y, floor_value), true);
    for (double x : s.x) xmax = std::max(xmax, x);
  }
  if (fixed_x_)
    plot_->xAxis->setRange(x_lo_, x_hi_);
  else
    plot_->xAxis->setRange(-0.5, xmax + 0.5);
  plot_->yAxis->setRange(floor_value, hi * 10.0);
  fitLegendColumns(plot_, width());
  plot_->replot();
}

int ErrorPlot::seriesCount() const { return plot_->graphCount(); }

void ErrorPlot::setXRange(double lo, double hi) {
  fixed_x_ = true;
  x_lo_ = lo;
  x_hi_ = hi;
  plot_->xAxis->setRange(lo, hi);
  plot_->replot();
}

QPair<double, double> ErrorPlot::xRange() const { return {plot_->xAxis->range().lower, plot_->xAxis->range().upper}; }

void ErrorPlot::setTitle(const QString& title) {
  setPlotTitle(plot_, title_, title);
  plot_->replot();
}

bool ErrorPlot::legendOutsideData() const { return legendOutsideAxisRect(plot_, width(), height()); }

void ErrorPlot::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  fitLegendColumns(plot_, width());
}

QImage ErrorPlot::render(int width, int height) { return renderPlot(plot_, width, height, this->width()); }

bool ErrorPlot::savePng(const QString& path, int width, int height) {
  return savePlotPng(plot_, path, width, height, this->width());
}

}  // namespace revcol::widgets
