#pragma once
// Class probabilities drawn as bars proportional to the value (a label, the bar, "69.4 %"), so the
// top predictions read at a glance. Painted directly: rich text cannot promise proportional bars.
#include <QColor>
#include <QRectF>
#include <QString>
#include <QVector>
#include <QWidget>

namespace revcol::widgets {

struct BarRow {
  QString label;
  double value = 0;  // 0..1, clamped (NaN draws no bar)
  QString text;      // drawn right of the bar, e.g. "69.4 %"
  QString tooltip;   // extra hover text, after the label and text
  QColor color;      // invalid: a default blue
};

// A probability in 0..1 as a percentage: "69.4 %", "0.3 %", "<0.1 %" (and "0 %" for 0).
QString formatPercent(double p);

class ProbabilityBars : public QWidget {
  Q_OBJECT
 public:
  explicit ProbabilityBars(QWidget* parent = nullptr);

  void setTitle(const QString& title);  // bold line above the rows ("" = none)
  void setRows(const QVector<BarRow>& rows);
  void setMessage(const QString& message);  // shown in italics while there are no rows

  int rowCount() const { return int(rows_.size()); }
  const BarRow& row(int index) const { return rows_[index]; }
  // Pixels of a row's filled bar at the current width: value * barTrackLength().
  double barLength(int row) const;
  double barTrackLength() const;  // pixels a value of 1 fills
  QRectF barRect(int row) const;  // where the row's filled bar is painted (empty for 0)
  // Title and one line per row, "label  text" (plain, for tests and copying).
  QString text() const;
  // What hovering at `pos` shows: the full label and text of the row there (and its tooltip).
  QString toolTipAt(const QPoint& pos) const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;  // narrow (<= 180 px): it never widens a dock

 protected:
  bool event(QEvent* event) override;
  void paintEvent(QPaintEvent* event) override;

 private:
  // Columns of a row, from the current width and font: label | track | text.
  struct Geometry {
    int title_h = 0, row_h = 0, label_w = 0, track_x = 0, track_w = 0, text_w = 0;
  };
  Geometry geometry() const;
  int rowTop(const Geometry& g, int row) const { return g.title_h + row * g.row_h; }

  QString title_;
  QString message_;
  QVector<BarRow> rows_;
};

}  // namespace revcol::widgets
