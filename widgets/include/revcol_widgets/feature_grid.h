#pragma once
// The column explorer grid: one row per level (c0..c3), one column per RevCol column, each cell a
// thumbnail of that feature map with an optional caption (e.g. its reconstruction error).
#include <QImage>
#include <QString>
#include <QWidget>
#include <vector>

namespace revcol::widgets {

class FeatureGrid : public QWidget {
  Q_OBJECT
 public:
  explicit FeatureGrid(QWidget* parent = nullptr);

  // Resets the grid to columns x levels empty cells; row_labels has one entry per level.
  void setShape(int columns, int levels, const QStringList& row_labels);
  int columns() const { return columns_; }
  int levels() const { return levels_; }
  void setCell(int column, int level, const QImage& thumbnail, const QString& caption = {});
  QImage cellImage(int column, int level) const;
  void setSelected(int column, int level);
  void setCellSize(int pixels);

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override { return sizeHint(); }

  // The cell under a widget position, or {-1, -1}.
  std::pair<int, int> cellAt(const QPoint& pos) const;

 signals:
  void cellClicked(int column, int level);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;

 private:
  struct Cell {
    QImage image;
    QString caption;
  };
  QRect cellRect(int column, int level) const;

  int columns_ = 0;
  int levels_ = 0;
  int cell_ = 96;
  QStringList row_labels_;
  std::vector<Cell> cells_;  // level-major: cells_[level * columns_ + column]
  int sel_column_ = -1;
  int sel_level_ = -1;
};

}  // namespace revcol::widgets
