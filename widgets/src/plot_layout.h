#pragma once
// Layout shared by the QCustomPlot views: the legend in its own row under the axis rect (never over
// the data), as many legend columns as the width holds, an optional title row, small axis fonts.
#include <QImage>
#include <QString>

class QCustomPlot;
class QCPTextElement;

namespace revcol::widgets {

// Moves plot->legend out of the axis rect's inset into a row of its own below it, filled columns
// first, small font; axis labels in `axis_points` pt so they read at 180 px of height.
void placeLegendBelow(QCustomPlot* plot, double axis_points = 8.5);
// Wraps the legend into as many columns as `width` pixels hold (at most 4, so 8 entries take 2
// rows on a normal width). Call after the graphs change and on resize.
void fitLegendColumns(QCustomPlot* plot, int width);
// Sets, replaces or ("") removes a title row above the axis rect; `title` is the element, or null.
void setPlotTitle(QCustomPlot* plot, QCPTextElement*& title, const QString& text);
// The plot drawn at width x height with the legend wrapped for that width (exports), then wrapped
// again for `widget_width`, the width it is shown at.
QImage renderPlot(QCustomPlot* plot, int width, int height, int widget_width);
// The same, written to a PNG file; false when it cannot be written.
bool savePlotPng(QCustomPlot* plot, const QString& path, int width, int height, int widget_width);
// True when, laid out at width x height, the legend's rectangle and the axis rect do not overlap.
// The plot is laid out by drawing it off screen, so this works on hidden widgets too.
bool legendOutsideAxisRect(QCustomPlot* plot, int width, int height);

}  // namespace revcol::widgets
