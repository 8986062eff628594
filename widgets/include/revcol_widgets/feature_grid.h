#pragma once
// The column explorer grid: one row per level (c0..c3), one column per RevCol column, each cell a
// thumbnail of that feature map with an optional caption (e.g. its reconstruction error). Cells
// grow to fill the widget; each row carries its colour scale on the right, and a legend at the
// bottom explains the caption colours.
#include <QColor>
#include <QImage>
#include <QString>
#include <QStringList>
#include <QWidget>
#include <utility>
#include <vector>

#include "revcol_widgets/colormap.h"

namespace revcol::widgets {

// Caption colour of a relative reconstruction error on a log scale, readable on a light window:
// <= 1e-6 dark green, ~1e-3 amber, >= 1e-1 red; NaN or negative grey.
QColor errorCaptionColor(double rel_error);

class FeatureGrid : public QWidget {
  Q_OBJECT
 public:
  // The colour scale drawn right of a row: a gradient with its end values, or only a note
  // ("per cell": every thumbnail has its own range; "RGB": no single scale).
  struct RowScale {
    bool shown = false;
    Colormap map = Colormap::Viridis;
    double lo = 0, hi = 0;
    QString note;
  };

  explicit FeatureGrid(QWidget* parent = nullptr);

  // Resets the grid to columns x levels empty cells; row_labels has one entry per level and may
  // hold two lines ("c2 (1/16)\n14 x 14 x 96"). Column labels, row scales and legends stay.
  void setShape(int columns, int levels, const QStringList& row_labels);
  int columns() const { return columns_; }
  int levels() const { return levels_; }
  void setColumnLabels(const QStringList& labels);  // missing entries read "col N"
  QString columnLabel(int column) const;

  // Replaces the image and caption; the cell's caption colour and tooltip stay until set again.
  void setCell(int column, int level, const QImage& thumbnail, const QString& caption = {});
  QImage cellImage(int column, int level) const;
  QString cellCaption(int column, int level) const;
  void setCellCaptionColor(int column, int level, const QColor& color);  // invalid: window text
  QColor cellCaptionColor(int column, int level) const;
  void setCellToolTip(int column, int level, const QString& tip);
  QString cellToolTip(int column, int level) const;
  void setSelected(int column, int level);

  void setRowScale(int level, Colormap map, double lo, double hi);
  void clearRowScale(int level, const QString& note = {});
  RowScale rowScale(int level) const;

  void setFootnote(const QString& text);  // one line under the grid (elided; full text on hover)
  // A legend line at the bottom: the caption colours (errorCaptionColor) from lo to hi, log scale.
  void setCaptionLegend(const QString& title, double lo, double hi);

  // The minimum cell size (default 48): cells grow past it to fill the widget, up to 512.
  void setCellSize(int pixels);
  int minimumCellSize() const { return min_cell_; }
  int cellSize() const;  // the size cells are painted at now

  // Size at the minimum cell size, so a layout can stretch the grid and the grid never forces a
  // window wider than that.
  QSize sizeHint() const override;
  QSize minimumSizeHint() const override { return sizeHint(); }

  // The cell under a widget position, or {-1, -1}.
  std::pair<int, int> cellAt(const QPoint& pos) const;
  // What hovering at `pos` shows ("" for nothing).
  QString toolTipAt(const QPoint& pos) const;

  // The whole grid as an image (exports) at `scale` x the current size, never with the selection
  // frame; with_scales false leaves out the row scales and the caption legend.
  QImage render(double scale = 1.0, bool with_scales = true) const;

 signals:
  void cellClicked(int column, int level);

 protected:
  bool event(QEvent* event) override;
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;

 private:
  struct Cell {
    QImage image;
    QString caption;
    QColor caption_color;
    QString tooltip;
  };
  // Where everything goes in an area of a given size.
  struct Layout {
    int header_w = 0, header_h = 0, caption_h = 0, gap = 0, cell = 0;
    int scale_x = 0, scale_w = 0, strip = 12, footnote_y = 0, footnote_h = 0, legend_y = 0, legend_h = 0;
    QRect cellRect(int column, int level) const {
      return {header_w + column * (cell + gap), header_h + level * (cell + caption_h + gap), cell, cell};
    }
  };
  Layout layoutFor(const QSize& area, bool scales) const;
  QSize contentSize(int cell, bool scales) const;
  void paint(QPainter& p, const QSize& area, bool selection, bool scales) const;
  void paintRowScale(QPainter& p, const Layout& g, int level) const;
  void paintCaptionLegend(QPainter& p, const Layout& g, int width) const;
  const Cell* cell(int column, int level) const;
  Cell* cell(int column, int level);
  QString rowLabel(int level) const;
  void shapeChanged();

  int columns_ = 0;
  int levels_ = 0;
  int min_cell_ = 48;
  QStringList row_labels_;
  QStringList column_labels_;
  std::vector<Cell> cells_;  // level-major: cells_[level * columns_ + column]
  std::vector<RowScale> row_scales_;
  QString footnote_;
  QString legend_title_;
  double legend_lo_ = 0, legend_hi_ = 0;
  int sel_column_ = -1;
  int sel_level_ = -1;
};

}  // namespace revcol::widgets
