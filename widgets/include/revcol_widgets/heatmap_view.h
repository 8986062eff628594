#pragma once
// A small annotated heat map: rows x columns of values in [0, 1], each cell coloured (viridis) and
// labelled with its value; NaN cells are grey and read "n/a". Used for CKA (levels x columns).
// A colour bar under the map gives the scale (0 .. 1, viridis).
#include <QImage>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

namespace revcol::widgets {

class HeatmapView : public QWidget {
  Q_OBJECT
 public:
  explicit HeatmapView(QWidget* parent = nullptr);

  // values[row][column]; the colour scale is fixed to [0, 1].
  void setData(const QString& title, const QStringList& row_labels, const QStringList& column_labels,
               const QVector<QVector<double>>& values);
  void clear(const QString& message);
  int rows() const { return int(values_.size()); }
  int columns() const { return values_.isEmpty() ? 0 : int(values_.front().size()); }
  double value(int row, int column) const { return values_[row][column]; }
  // The text drawn in a cell ("0.83" or "n/a").
  QString cellText(int row, int column) const;

  // The view as an image of width x height on the window background (exports).
  QImage render(int width, int height) const;
  void setScaleLabel(const QString& label);  // the colour bar's label, default "CKA"

  QSize sizeHint() const override { return {360, 250}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  void paint(QPainter& p, const QSize& area) const;

  QString scale_label_ = "CKA";
  QString title_;
  QString message_;
  QStringList row_labels_, column_labels_;
  QVector<QVector<double>> values_;
};

}  // namespace revcol::widgets
