#include "revcol_widgets/timeline_plot.h"

#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

#include "plot_hover.h"
#include "plot_layout.h"

namespace revcol::widgets {

TimelinePlot::TimelinePlot(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  plot_ = new QCustomPlot(this);
  plot_->setMouseTracking(true);
  plot_->xAxis->setLabel("frame");
  QSharedPointer<QCPAxisTickerFixed> frames(new QCPAxisTickerFixed);  // whole frames only
  frames->setTickStep(1.0);
  frames->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
  plot_->xAxis->setTicker(frames);
  plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
  plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  plot_->yAxis->setNumberFormat("eb");
  plot_->yAxis->setNumberPrecision(0);
  plot_->yAxis->setLabel("step error (rel. L2)");  // short: it must fit 140 px of height
  plot_->yAxis2->setRange(0, 1.05);
  placeLegendBelow(plot_);
  cursor_ = new QCPItemStraightLine(plot_);
  cursor_->setPen(QPen(QColor(0, 0, 0, 110), 1.0, Qt::DashLine));
  cursor_->point1->setCoords(0, 0);
  cursor_->point2->setCoords(0, 1);
  // An explicit minimum: QCustomPlot's own minimum grows with the legend and would widen a dock.
  plot_->setMinimumSize(160, 140);
  layout->addWidget(plot_);
  setMinimumHeight(140);
  setConfidenceAxis(confidence_label_);
  connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
    const double x = plot_->xAxis->pixelToCoord(event->position().x());
    const int frame = int(std::lround(x));
    if (frame >= plot_->xAxis->range().lower && frame <= plot_->xAxis->range().upper) emit frameClicked(frame);
  });
  connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
    const QString text = valueTextAt(plot_->mapTo(this, event->position().toPoint()));
    if (text.isEmpty())
      QToolTip::hideText();
    else
      QToolTip::showText(event->globalPosition().toPoint(), text, plot_);
  });
}

void TimelinePlot::setSeries(const QVector<PlotSeries>& errors, const PlotSeries& confidence, int frames) {
  errors_ = errors;
  confidence_ = confidence;
  frames_ = frames;
  rebuildGraphs();
}

void TimelinePlot::rebuildGraphs() {
  plot_->clearGraphs();
  const LogAxisRange range = logAxisRange(errors_, 1e-9);
  floor_value_ = range.floor;
  for (const PlotSeries& s : errors_) {
    QCPGraph* g = plot_->addGraph(plot_->xAxis, plot_->yAxis);
    g->setName(s.name);
    QPen pen(s.color.isValid() ? s.color : QColor(Qt::black), 1.4);
    if (s.dashed) pen.setStyle(Qt::DashLine);
    g->setPen(pen);
    g->setData(s.x, floored(s.y, floor_value_), true);
  }
  if (!confidence_.x.isEmpty() && confidenceAxisVisible()) {
    QCPGraph* g = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
    g->setName(confidence_.name);
    g->setPen(QPen(confidence_.color.isValid() ? confidence_.color : QColor(Qt::black), 2.0));
    g->setData(confidence_.x, confidence_.y, true);
  }
  plot_->xAxis->setRange(-0.5, std::max(1, frames_) - 0.5);
  plot_->yAxis->setRange(floor_value_, range.hi * 10.0);
  fitLegendColumns(plot_, width());
  plot_->replot();
}

void TimelinePlot::setConfidenceAxis(const QString& label) {
  confidence_label_ = label;
  plot_->yAxis2->setVisible(!label.isEmpty());
  plot_->yAxis2->setLabel(label);
  rebuildGraphs();
}

bool TimelinePlot::confidenceAxisVisible() const { return plot_->yAxis2->visible(); }

void TimelinePlot::setCurrentFrame(int frame) {
  current_frame_ = frame;
  cursor_->point1->setCoords(frame, 0);
  cursor_->point2->setCoords(frame, 1);
  plot_->replot();
}

int TimelinePlot::graphCount() const { return plot_->graphCount(); }

bool TimelinePlot::legendOutsideData() const { return legendOutsideAxisRect(plot_, width(), height()); }

QString TimelinePlot::valueTextAt(const QPoint& widget_pos) const {
  const QPoint p = plot_->mapFrom(this, widget_pos);
  QString text = nearestPointText(plot_, plot_->yAxis, errors_, p, "frame", floor_value_);
  if (text.isEmpty() && confidenceAxisVisible())
    text = nearestPointText(plot_, plot_->yAxis2, {confidence_}, p, "frame", 0);
  return text;
}

void TimelinePlot::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  fitLegendColumns(plot_, width());
}

QImage TimelinePlot::render(int width, int height) { return renderPlot(plot_, width, height, this->width()); }

bool TimelinePlot::savePng(const QString& path, int width, int height) {
  return savePlotPng(plot_, path, width, height, this->width());
}

}  // namespace revcol::widgets
