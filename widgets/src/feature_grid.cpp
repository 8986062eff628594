#include "revcol_widgets/feature_grid.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>

namespace revcol::widgets {
namespace {
constexpr int kRowHeader = 56;  // left margin for "c2 /16"
constexpr int kColHeader = 20;  // top margin for "col 3"
constexpr int kCaption = 16;    // text line under each cell
constexpr int kGap = 6;
}  // namespace

FeatureGrid::FeatureGrid(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
  setCursor(Qt::PointingHandCursor);
}

void FeatureGrid::setShape(int columns, int levels, const QStringList& row_labels) {
  columns_ = std::max(0, columns);
  levels_ = std::max(0, levels);
  row_labels_ = row_labels;
  cells_.assign(size_t(columns_) * size_t(levels_), Cell{});
  sel_column_ = sel_level_ = -1;
  updateGeometry();
  resize(sizeHint());
  update();
}

void FeatureGrid::setCell(int column, int level, const QImage& thumbnail, const QString& caption) {
  if (column < 0 || level < 0 || column >= columns_ || level >= levels_) return;
  cells_[size_t(level) * size_t(columns_) + size_t(column)] = Cell{thumbnail, caption};
  update(cellRect(column, level).adjusted(-2, -2, 2, kCaption + 2));
}

QImage FeatureGrid::cellImage(int column, int level) const {
  if (column < 0 || level < 0 || column >= columns_ || level >= levels_) return {};
  return cells_[size_t(level) * size_t(columns_) + size_t(column)].image;
}

void FeatureGrid::setSelected(int column, int level) {
  sel_column_ = column;
  sel_level_ = level;
  update();
}

void FeatureGrid::setCellSize(int pixels) {
  cell_ = std::clamp(pixels, 24, 512);
  updateGeometry();
  resize(sizeHint());
  update();
}

QSize FeatureGrid::sizeHint() const {
  return {kRowHeader + columns_ * (cell_ + kGap), kColHeader + levels_ * (cell_ + kCaption + kGap)};
}

QRect FeatureGrid::cellRect(int column, int level) const {
  return {kRowHeader + column * (cell_ + kGap), kColHeader + level * (cell_ + kCaption + kGap), cell_, cell_};
}

std::pair<int, int> FeatureGrid::cellAt(const QPoint& pos) const {
  for (int l = 0; l < levels_; ++l)
    for (int c = 0; c < columns_; ++c)
      if (cellRect(c, l).contains(pos)) return {c, l};
  return {-1, -1};
}

void FeatureGrid::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().window());
  p.setPen(palette().windowText().color());
  for (int c = 0; c < columns_; ++c) {
    QRect r = cellRect(c, 0);
    p.drawText(QRect(r.left(), 0, r.width(), kColHeader), Qt::AlignCenter, QString("col %1").arg(c));
  }
  for (int l = 0; l < levels_; ++l) {
    QRect r = cellRect(0, l);
    const QString label = l < row_labels_.size() ? row_labels_[l] : QString("c%1").arg(l);
    p.drawText(QRect(0, r.top(), kRowHeader - 4, r.height()), Qt::AlignVCenter | Qt::AlignRight, label);
  }
  for (int l = 0; l < levels_; ++l) {
    for (int c = 0; c < columns_; ++c) {
      const QRect r = cellRect(c, l);
      const Cell& cell = cells_[size_t(l) * size_t(columns_) + size_t(c)];
      p.fillRect(r, QColor(30, 30, 30));
      if (!cell.image.isNull()) {
        // Keep the aspect ratio and draw feature pixels as blocks (no smoothing).
        QSize s = cell.image.size().scaled(r.size(), Qt::KeepAspectRatio);
        QRect target(r.center() - QPoint(s.width() / 2, s.height() / 2), s);
        p.drawImage(target, cell.image);
      }
      if (c == sel_column_ && l == sel_level_) {
        p.setPen(QPen(palette().highlight().color(), 3));
        p.drawRect(r.adjusted(-1, -1, 1, 1));
        p.setPen(palette().windowText().color());
      }
      if (!cell.caption.isEmpty())
        p.drawText(QRect(r.left(), r.bottom() + 1, r.width(), kCaption), Qt::AlignCenter, cell.caption);
    }
  }
}

void FeatureGrid::mousePressEvent(QMouseEvent* event) {
  auto [c, l] = cellAt(event->position().toPoint());
  if (c < 0) return;
  setSelected(c, l);
  emit cellClicked(c, l);
}

}  // namespace revcol::widgets
