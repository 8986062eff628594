// FeatureGrid: state, layout and events. Painting is in feature_grid_paint.cpp.
#include "revcol_widgets/feature_grid.h"
#include "item_tooltip.h"

#include <QEvent>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>

#include "revcol_widgets/color_bar.h"

namespace revcol::widgets {
namespace {
constexpr int kGap = 6;
constexpr int kMaxCell = 512;
constexpr int kMaxNote = 90;  // row-scale notes elide past this
}  // namespace

FeatureGrid::FeatureGrid(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setCursor(Qt::PointingHandCursor);
}

void FeatureGrid::shapeChanged() {
  updateGeometry();
  // Outside a layout (a QScrollArea's viewport, a bare widget) nothing else would make room.
  if (!parentWidget() || !parentWidget()->layout()) resize(size().expandedTo(sizeHint()));
  update();
}

void FeatureGrid::setShape(int columns, int levels, const QStringList& row_labels) {
  columns_ = std::max(0, columns);
  levels_ = std::max(0, levels);
  row_labels_ = row_labels;
  cells_.assign(size_t(columns_) * size_t(levels_), Cell{});
  row_scales_.resize(size_t(levels_));
  sel_column_ = sel_level_ = -1;
  shapeChanged();
}

void FeatureGrid::setColumnLabels(const QStringList& labels) {
  column_labels_ = labels;
  update();
}

QString FeatureGrid::columnLabel(int column) const {
  return column < column_labels_.size() ? column_labels_[column] : QString("col %1").arg(column);
}

QString FeatureGrid::rowLabel(int level) const {
  return level < row_labels_.size() ? row_labels_[level] : QString("c%1").arg(level);
}

const FeatureGrid::Cell* FeatureGrid::cell(int column, int level) const {
  if (column < 0 || level < 0 || column >= columns_ || level >= levels_) return nullptr;
  return &cells_[size_t(level) * size_t(columns_) + size_t(column)];
}

FeatureGrid::Cell* FeatureGrid::cell(int column, int level) {
  return const_cast<Cell*>(static_cast<const FeatureGrid*>(this)->cell(column, level));
}

void FeatureGrid::setCell(int column, int level, const QImage& thumbnail, const QString& caption) {
  Cell* c = cell(column, level);
  if (!c) return;
  c->image = thumbnail;
  c->caption = caption;
  update();
}

QImage FeatureGrid::cellImage(int column, int level) const {
  const Cell* c = cell(column, level);
  return c ? c->image : QImage();
}

QString FeatureGrid::cellCaption(int column, int level) const {
  const Cell* c = cell(column, level);
  return c ? c->caption : QString();
}

void FeatureGrid::setCellCaptionColor(int column, int level, const QColor& color) {
  if (Cell* c = cell(column, level)) c->caption_color = color;
  update();
}

QColor FeatureGrid::cellCaptionColor(int column, int level) const {
  const Cell* c = cell(column, level);
  return c ? c->caption_color : QColor();
}

void FeatureGrid::setCellToolTip(int column, int level, const QString& tip) {
  if (Cell* c = cell(column, level)) c->tooltip = tip;
}

QString FeatureGrid::cellToolTip(int column, int level) const {
  const Cell* c = cell(column, level);
  return c ? c->tooltip : QString();
}

void FeatureGrid::setSelected(int column, int level) {
  sel_column_ = column;
  sel_level_ = level;
  update();
}

void FeatureGrid::setRowScale(int level, Colormap map, double lo, double hi) {
  if (level < 0 || level >= levels_) return;
  row_scales_[size_t(level)] = RowScale{true, map, lo, hi, {}};
  updateGeometry();  // the scale column's width follows its texts
  update();
}

void FeatureGrid::clearRowScale(int level, const QString& note) {
  if (level < 0 || level >= levels_) return;
  row_scales_[size_t(level)] = RowScale{false, Colormap::Viridis, 0, 0, note};
  updateGeometry();
  update();
}

FeatureGrid::RowScale FeatureGrid::rowScale(int level) const {
  return level >= 0 && level < levels_ ? row_scales_[size_t(level)] : RowScale{};
}

void FeatureGrid::setFootnote(const QString& text) {
  footnote_ = text;
  updateGeometry();
  update();
}

void FeatureGrid::setCaptionLegend(const QString& title, double lo, double hi) {
  legend_title_ = title;
  legend_lo_ = lo;
  legend_hi_ = hi;
  updateGeometry();
  update();
}

void FeatureGrid::setCellSize(int pixels) {
  min_cell_ = std::clamp(pixels, 16, kMaxCell);
  shapeChanged();
}

FeatureGrid::Layout FeatureGrid::layoutFor(const QSize& area, bool scales) const {
  const QFontMetrics fm = fontMetrics();
  Layout g;
  g.gap = kGap;
  g.header_h = fm.height() + 4;
  g.caption_h = fm.height() + 2;
  // Row labels may have two lines: the header is as wide as the longest line.
  int label_w = fm.horizontalAdvance("c0");
  for (int l = 0; l < levels_; ++l)
    for (const QString& line : rowLabel(l).split('\n')) label_w = std::max(label_w, fm.horizontalAdvance(line));
  g.header_w = label_w + 10;
  if (scales) {
    int text_w = 0;
    for (const RowScale& s : row_scales_) {
      if (s.shown)
        text_w = std::max(
            {text_w, fm.horizontalAdvance(formatScaleValue(s.lo)), fm.horizontalAdvance(formatScaleValue(s.hi))});
      else if (!s.note.isEmpty())
        text_w = std::max(text_w, std::min(kMaxNote, fm.horizontalAdvance(s.note)));
    }
    if (text_w > 0) g.scale_w = 2 + g.strip + 4 + text_w + 4;
  }
  g.footnote_h = footnote_.isEmpty() ? 0 : fm.height() + 4;
  g.legend_h = scales && !legend_title_.isEmpty() ? fm.height() + 8 : 0;
  // The largest square cell that fits both ways, never under the minimum (then the grid overflows
  // and the scroll area around it scrolls).
  const int free_w = area.width() - g.header_w - g.scale_w - columns_ * g.gap;
  const int free_h = area.height() - g.header_h - g.footnote_h - g.legend_h - levels_ * (g.caption_h + g.gap);
  const int by_w = columns_ > 0 ? free_w / columns_ : kMaxCell;
  const int by_h = levels_ > 0 ? free_h / levels_ : kMaxCell;
  g.cell = std::clamp(std::min(by_w, by_h), min_cell_, std::max(min_cell_, kMaxCell));
  g.scale_x = g.header_w + columns_ * (g.cell + g.gap);
  const int grid_bottom = g.header_h + levels_ * (g.cell + g.caption_h + g.gap);
  g.footnote_y = grid_bottom;
  g.legend_y = grid_bottom + g.footnote_h;
  return g;
}

QSize FeatureGrid::contentSize(int cell, bool scales) const {
  const Layout g = layoutFor(QSize(0, 0), scales);  // every part but the cells
  return {g.header_w + columns_ * (cell + g.gap) + g.scale_w,
          g.header_h + levels_ * (cell + g.caption_h + g.gap) + g.footnote_h + g.legend_h};
}

QSize FeatureGrid::sizeHint() const { return contentSize(min_cell_, true); }

int FeatureGrid::cellSize() const { return layoutFor(size(), true).cell; }

std::pair<int, int> FeatureGrid::cellAt(const QPoint& pos) const {
  const Layout g = layoutFor(size(), true);
  for (int l = 0; l < levels_; ++l)
    for (int c = 0; c < columns_; ++c)
      if (g.cellRect(c, l).contains(pos)) return {c, l};
  return {-1, -1};
}

QString FeatureGrid::toolTipAt(const QPoint& pos) const {
  auto [c, l] = cellAt(pos);
  if (c >= 0) return cellToolTip(c, l);
  const Layout g = layoutFor(size(), true);
  if (pos.y() >= g.footnote_y && pos.y() < g.footnote_y + g.footnote_h) return footnote_;
  if (pos.y() >= g.legend_y && pos.y() < g.legend_y + g.legend_h)
    return QString("%1: %2 .. %3").arg(legend_title_, formatScaleValue(legend_lo_), formatScaleValue(legend_hi_));
  if (pos.x() >= g.scale_x && pos.x() < g.scale_x + g.scale_w)
    for (int level = 0; level < levels_; ++level) {
      const QRect row = g.cellRect(0, level);
      if (pos.y() < row.top() || pos.y() > row.bottom()) continue;
      const RowScale& s = row_scales_[size_t(level)];
      if (s.shown)
        return QString("%1 colour scale (%2): %3 .. %4")
            .arg(rowLabel(level).section('\n', 0, 0), colormapName(s.map), formatScaleValue(s.lo),
                 formatScaleValue(s.hi));
      return s.note;
    }
  return {};
}

bool FeatureGrid::event(QEvent* event) {
  if (showItemToolTip(this, event, [this](const QPoint& pos) { return toolTipAt(pos); })) return true;
  return QWidget::event(event);
}

QImage FeatureGrid::render(double scale, bool with_scales) const {
  scale = std::clamp(scale, 0.1, 8.0);
  const QSize area = size().expandedTo(contentSize(min_cell_, with_scales));
  QImage image((QSizeF(area) * scale).toSize(), QImage::Format_RGB32);
  // Text at the size the window shows it: the image's DPI is the widget's.
  image.setDotsPerMeterX(int(logicalDpiX() / 0.0254));
  image.setDotsPerMeterY(int(logicalDpiY() / 0.0254));
  image.fill(palette().color(QPalette::Window));
  QPainter p(&image);
  p.scale(scale, scale);
  p.setFont(font());
  paint(p, area, false, with_scales);
  return image;
}

void FeatureGrid::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().window());
  paint(p, size(), true, true);
}

void FeatureGrid::mousePressEvent(QMouseEvent* event) {
  auto [c, l] = cellAt(event->position().toPoint());
  if (c < 0) return;
  setSelected(c, l);
  emit cellClicked(c, l);
}

}  // namespace revcol::widgets
