#pragma once
// Per-frame measures of a video against frame number: reconstruction errors on a log axis (left)
// and the top-1 confidence on a linear 0..1 axis (right), with a cursor at the frame shown.
// Frames not analysed yet are simply absent. Clicking asks for that frame. The legend sits in its
// own row under the axes, never over the data.
#include <QImage>
#include <QVector>
#include <QWidget>

#include "revcol_widgets/error_plot.h"

class QCustomPlot;
class QCPItemStraightLine;

namespace revcol::widgets {

class TimelinePlot : public QWidget {
  Q_OBJECT
 public:
  explicit TimelinePlot(QWidget* parent = nullptr);

  // x of every series is the frame index. `errors` go on the log axis, `confidence` (0..1) on the
  // linear one. `frames` sets the x range (0 .. frames-1).
  void setSeries(const QVector<PlotSeries>& errors, const PlotSeries& confidence, int frames);
  void setCurrentFrame(int frame);
  int currentFrame() const { return current_frame_; }
  // Label of the right-hand confidence axis (default "top-1 confidence"); "" hides the axis and
  // the confidence series (a task without class scores has nothing to show there).
  void setConfidenceAxis(const QString& label);
  bool confidenceAxisVisible() const;
  // True when, laid out at the widget's size, the legend does not overlap the axis rect.
  bool legendOutsideData() const;
  int graphCount() const;
  QString valueTextAt(const QPoint& widget_pos) const;
  bool savePng(const QString& path, int width, int height);
  QImage render(int width, int height);  // the plot as an image (exports)

 signals:
  void frameClicked(int frame);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void rebuildGraphs();

  QCustomPlot* plot_ = nullptr;
  QCPItemStraightLine* cursor_ = nullptr;
  QVector<PlotSeries> errors_;
  PlotSeries confidence_;
  double floor_value_ = 1e-12;
  int frames_ = 0;
  int current_frame_ = 0;
  QString confidence_label_ = "top-1 confidence";
};

}  // namespace revcol::widgets
