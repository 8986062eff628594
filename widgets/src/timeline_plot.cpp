#include "revcol_widgets/timeline_plot.h"

#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

#include "plot_hover.h"

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
  plot_->yAxis->setLabel("step reconstruction error (rel. L2)");
  plot_->yAxis2->setVisible(true);
  plot_->yAxis2->setRange(0, 1.05);
  plot_->yAxis2->setLabel("top-1 confidence");
  plot_->legend->setVisible(true);
  plot_->legend->setFont(QFont(font().family(), 8));
  cursor_ = new QCPItemStraightLine(plot_);
  cursor_->setPen(QPen(QColor(0, 0, 0, 110), 1.0, Qt::DashLine));
  cursor_->point1->setCoords(0, 0);
  cursor_->point2->setCoords(0, 1);
  layout->addWidget(plot_);
  setMinimumHeight(140);
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
  plot_->clearGraphs();
  const LogAxisRange range = logAxisRange(errors, 1e-9);
  floor_value_ = range.floor;
  const double hi = range.hi;
  for (const PlotSeries& s : errors) {
    QCPGraph* g = plot_->addGraph(plot_->xAxis, plot_->yAxis);
    g->setName(s.name);
    QPen pen(s.color.isValid() ? s.color : QColor(Qt::black), 1.4);
    if (s.dashed) pen.setStyle(Qt::DashLine);
    g->setPen(pen);
    g->setData(s.x, floored(s.y, floor_value_), true);
  }
  if (!confidence.x.isEmpty()) {
    QCPGraph* g = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
    g->setName(confidence.name);
    g->setPen(QPen(confidence.color.isValid() ? confidence.color : QColor(Qt::black), 2.0));
    g->setData(confidence.x, confidence.y, true);
  }
  plot_->xAxis->setRange(-0.5, std::max(1, frames) - 0.5);
  plot_->yAxis->setRange(floor_value_, hi * 10.0);
  plot_->replot();
}

void TimelinePlot::setCurrentFrame(int frame) {
  cursor_->point1->setCoords(frame, 0);
  cursor_->point2->setCoords(frame, 1);
  plot_->replot();
}

int TimelinePlot::graphCount() const { return plot_->graphCount(); }

QString TimelinePlot::valueTextAt(const QPoint& widget_pos) const {
  const QPoint p = plot_->mapFrom(this, widget_pos);
  QString text = nearestPointText(plot_, plot_->yAxis, errors_, p, "frame", floor_value_);
  if (text.isEmpty()) text = nearestPointText(plot_, plot_->yAxis2, {confidence_}, p, "frame", 0);
  return text;
}

QImage TimelinePlot::render(int width, int height) { return plot_->toPixmap(width, height).toImage(); }

bool TimelinePlot::savePng(const QString& path, int width, int height) { return plot_->savePng(path, width, height); }

}  // namespace revcol::widgets
