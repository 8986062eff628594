#include "plot_layout.h"

#include <algorithm>
#include <qcustomplot.h>

namespace revcol::widgets {
namespace {

constexpr double kSmallRow = 0.001;  // a row stretch this small keeps a row at its minimum height

int axisRectRow(QCustomPlot* plot) {
  for (int r = 0; r < plot->plotLayout()->rowCount(); ++r)
    if (plot->plotLayout()->element(r, 0) == plot->axisRect()) return r;
  return 0;
}

}  // namespace

void placeLegendBelow(QCustomPlot* plot, double axis_points) {
  QCPLegend* legend = plot->legend;
  legend->setVisible(true);
  if (plot->axisRect()->insetLayout()->take(legend)) plot->plotLayout()->addElement(1, 0, legend);
  plot->plotLayout()->setRowStretchFactor(1, kSmallRow);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setWrap(4);
  legend->setRowSpacing(0);
  legend->setColumnSpacing(10);
  legend->setBorderPen(Qt::NoPen);
  legend->setBrush(Qt::NoBrush);
  legend->setMargins(QMargins(4, 0, 4, 2));
  QFont small = plot->font();
  small.setPointSizeF(7.5);
  legend->setFont(small);
  legend->setIconSize(18, 8);
  QFont label = plot->font();
  label.setPointSizeF(axis_points);
  QFont ticks = label;
  ticks.setPointSizeF(axis_points - 0.5);
  for (QCPAxis* axis : plot->axisRect()->axes()) {
    axis->setLabelFont(label);
    axis->setTickLabelFont(ticks);
    axis->setLabelPadding(2);
  }
}

void fitLegendColumns(QCustomPlot* plot, int width) {
  QCPLegend* legend = plot->legend;
  int widest = 1, items = 0;
  for (int i = 0; i < legend->elementCount(); ++i)
    if (QCPLayoutElement* item = legend->elementAt(i)) {
      widest = std::max(widest, item->minimumOuterSizeHint().width());
      ++items;
    }
  const int usable = width - legend->margins().left() - legend->margins().right();
  const int fit = std::max(1, (usable + legend->columnSpacing()) / (widest + legend->columnSpacing()));
  const int columns = std::clamp(std::min(fit, items), 1, 4);
  if (columns == legend->wrap() && legend->columnCount() <= columns) return;
  legend->setWrap(columns);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);  // re-flows the items into the new wrap
}

void setPlotTitle(QCustomPlot* plot, QCPTextElement*& title, const QString& text) {
  QCPLayoutGrid* layout = plot->plotLayout();
  if (text.isEmpty()) {
    if (title) {
      layout->remove(title);
      layout->simplify();  // drops the empty title row
      title = nullptr;
    }
    return;
  }
  if (!title) {
    layout->insertRow(0);
    QFont bold = plot->font();
    bold.setPointSizeF(9);
    bold.setBold(true);
    title = new QCPTextElement(plot, text, bold);
    title->setMargins(QMargins(2, 2, 2, 0));
    layout->addElement(0, 0, title);
    layout->setRowStretchFactor(0, kSmallRow);
  }
  title->setText(text);
  // The axis rect keeps the stretch; every other row (title, legend) stays at its minimum.
  const int axis_row = axisRectRow(plot);
  for (int r = 0; r < layout->rowCount(); ++r) layout->setRowStretchFactor(r, r == axis_row ? 1.0 : kSmallRow);
}

bool legendOutsideAxisRect(QCustomPlot* plot, int width, int height) {
  if (width <= 0 || height <= 0) return false;
  plot->toPixmap(width, height);  // lays the plot out at this size (draw() updates the layout)
  const QRect legend = plot->legend->outerRect();
  return plot->legend->visible() && legend.isValid() && !legend.intersects(plot->axisRect()->outerRect());
}

QImage renderPlot(QCustomPlot* plot, int width, int height, int widget_width) {
  fitLegendColumns(plot, width);
  const QImage image = plot->toPixmap(width, height).toImage();
  fitLegendColumns(plot, widget_width);
  return image;
}

bool savePlotPng(QCustomPlot* plot, const QString& path, int width, int height, int widget_width) {
  fitLegendColumns(plot, width);
  const bool ok = plot->savePng(path, width, height);
  fitLegendColumns(plot, widget_width);
  return ok;
}

}  // namespace revcol::widgets
