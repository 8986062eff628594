#include "column_explorer.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "revcol/feature_view.h"
#include "revcol_widgets/feature_grid.h"
#include "studio_style.h"

namespace revcol::studio {
namespace {

enum Norm { kPerCell, kPerLevel, kGlobal };
enum Range { kMinMax, kPercentile, kFixed };
const char* const kModeNames[] = {"mean_abs", "l2_norm", "channel", "pca_rgb", "added_channel"};
const char* const kNormNames[] = {"per cell", "per level (across columns)", "global"};

// Errors below this read as exact in float32; the caption colours run from here to 1 on a log scale.
constexpr double kCaptionErrorLo = 1e-7;
constexpr double kCaptionErrorHi = 1.0;

QImage toQImage(const FloatArray& rgb01) {
  const int h = int(rgb01.shape[1]), w = int(rgb01.shape[2]);
  QImage img(w, h, QImage::Format_RGB32);
  const size_t plane = size_t(h) * size_t(w);
  for (int y = 0; y < h; ++y) {
    auto* row = reinterpret_cast<QRgb*>(img.scanLine(y));
    for (int x = 0; x < w; ++x) {
      const size_t i = size_t(y) * size_t(w) + size_t(x);
      row[x] = qRgb(int(rgb01.values[i] * 255.f + 0.5f), int(rgb01.values[plane + i] * 255.f + 0.5f),
                    int(rgb01.values[2 * plane + i] * 255.f + 0.5f));
    }
  }
  return img;
}

std::pair<float, float> valueSpan(const FloatArray& a) {
  if (a.values.empty()) return {0.f, 0.f};
  const auto [lo, hi] = std::minmax_element(a.values.begin(), a.values.end());
  return {*lo, *hi};
}

QString number(double v) { return QString::number(v, 'g', 3); }

}  // namespace

ColumnExplorer::ColumnExplorer(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* controls = new QGridLayout;
  controls->setContentsMargins(0, 0, 0, 0);
  mode_ = new QComboBox(this);
  mode_->addItems({"mean |activation|", "L2 norm over channels", "single channel", "PCA to RGB (per level)",
                   "what the column added (F_l)"});
  mode_->setToolTip(
      "What each cell shows of its column's feature map at that level: a reduction over the channels, "
      "one channel, the level's first three principal components as RGB, or F_l, what the column "
      "added on top of the previous column's map.");
  channel_ = new QSpinBox(this);
  channel_->setPrefix("channel ");
  channel_->setMaximum(4095);
  channel_->setEnabled(false);
  channel_->setToolTip("The channel shown in 'single channel' and 'F_l' modes (0-based).");
  colormap_ = new QComboBox(this);
  colormap_->addItems(widgets::colormapNames());
  colormap_->setToolTip("Colours of the maps; 'diverging' centres signed values on white at zero.");
  normalization_ = new QComboBox(this);
  normalization_->addItems({"range per cell", "range per level", "one range for all"});
  normalization_->setCurrentIndex(kPerLevel);
  normalization_->setToolTip(
      "Which cells share a colour range: each cell its own, the cells of one level (compare columns), or "
      "every cell.");
  range_ = new QComboBox(this);
  range_->addItems({"min-max", "1-99 percentile", "fixed range"});
  range_->setCurrentIndex(kPercentile);
  range_->setToolTip("How a range is taken from the values (percentiles ignore the extreme 1 %).");
  fixed_lo_ = new QDoubleSpinBox(this);
  fixed_hi_ = new QDoubleSpinBox(this);
  for (QDoubleSpinBox* b : {fixed_lo_, fixed_hi_}) {
    b->setRange(-1e6, 1e6);
    b->setDecimals(4);
    b->setSingleStep(0.1);
    b->setEnabled(false);
    b->setToolTip("Ends of the fixed colour range.");
  }
  fixed_lo_->setPrefix("lo ");
  fixed_hi_->setPrefix("hi ");
  fixed_hi_->setValue(1.0);
  // Boxes shrink to their shortest text rather than widening the window.
  for (QComboBox* box : {mode_, colormap_, normalization_, range_}) {
    box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    box->setMinimumContentsLength(8);
  }
  controls->addWidget(mode_, 0, 0, 1, 2);
  controls->addWidget(channel_, 0, 2);
  controls->addWidget(colormap_, 0, 3);
  controls->addWidget(normalization_, 1, 0);
  controls->addWidget(range_, 1, 1);
  controls->addWidget(fixed_lo_, 1, 2);
  controls->addWidget(fixed_hi_, 1, 3);
  for (int c = 0; c < 4; ++c) controls->setColumnStretch(c, 1);
  layout->addLayout(controls);
  note_ = new QLabel(this);
  note_->setWordWrap(true);
  note_->setTextFormat(Qt::PlainText);
  note_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  layout->addWidget(note_);

  grid_ = new widgets::FeatureGrid(this);
  grid_->setToolTip("Hover a cell for its size, values and reconstruction error; click it for the cell detail");
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(grid_);
  scroll->setWidgetResizable(true);  // cells grow to fill the panel; scroll only below the minimum
  scroll->setFrameShape(QFrame::NoFrame);
  layout->addWidget(scroll, 1);

  connect(mode_, &QComboBox::currentIndexChanged, this, &ColumnExplorer::onModeChanged);
  connect(channel_, &QSpinBox::valueChanged, this, &ColumnExplorer::refresh);
  connect(colormap_, &QComboBox::currentIndexChanged, this, &ColumnExplorer::refresh);
  connect(normalization_, &QComboBox::currentIndexChanged, this, &ColumnExplorer::refresh);
  connect(range_, &QComboBox::currentIndexChanged, this, [this](int r) {
    fixed_lo_->setEnabled(r == kFixed);
    fixed_hi_->setEnabled(r == kFixed);
    refresh();
  });
  connect(fixed_lo_, &QDoubleSpinBox::valueChanged, this, &ColumnExplorer::refresh);
  connect(fixed_hi_, &QDoubleSpinBox::valueChanged, this, &ColumnExplorer::refresh);
  connect(grid_, &widgets::FeatureGrid::cellClicked, this, &ColumnExplorer::cellActivated);
  onModeChanged(kMeanAbs);
}

void ColumnExplorer::onModeChanged(int mode) {
  channel_->setEnabled(mode == kChannel || mode == kAdded);
  // PCA colours are RGB: no colormap, normalisation or range applies, so those boxes go away
  // rather than stating one that is not used.
  for (QWidget* w : std::initializer_list<QWidget*>{colormap_, normalization_, range_, fixed_lo_, fixed_hi_})
    w->setVisible(mode != kPca);
  // F_l is signed: the box switches to (and states) the diverging map it is drawn with, and back.
  {
    const QSignalBlocker block(colormap_);
    if (mode == kAdded)
      colormap_->setCurrentText("diverging");
    else if (colormap_->currentText() == "diverging")
      colormap_->setCurrentText("viridis");
  }
  refresh();
}

void ColumnExplorer::setResult(std::shared_ptr<const AnalysisJobResult> result) {
  result_ = std::move(result);
  const auto& columns = result_->analysis.columns;
  if (columns.empty()) return;
  QStringList rows;
  for (int l = 0; l < 4; ++l) {
    const FloatArray& f = columns.front().levels[size_t(l)];
    QString label = levelLabel(l);
    if (f.shape.size() == 3) label += QString("\n%1 x %2, %3 ch").arg(f.shape[1]).arg(f.shape[2]).arg(f.shape[0]);
    rows << label;
  }
  // A new shape (another model, or another input size) resets the grid; the window re-selects.
  if (grid_->columns() != int(columns.size()) || grid_->levels() != 4 || rows != row_labels_) {
    grid_->setShape(int(columns.size()), 4, rows);
    row_labels_ = rows;
  }
  refresh();
}

void ColumnExplorer::setReconstructionMode(ReconstructionMode mode) {
  caption_mode_ = mode;
  updateCaptions();
}

void ColumnExplorer::setMode(int mode) { mode_->setCurrentIndex(mode); }
int ColumnExplorer::mode() const { return mode_->currentIndex(); }
void ColumnExplorer::setChannel(int channel) { channel_->setValue(channel); }
QString ColumnExplorer::note() const { return note_->text(); }

void ColumnExplorer::refresh() {
  if (!result_) return;
  const auto& analysis = result_->analysis;
  const int columns = int(analysis.columns.size());
  const Mode mode = Mode(mode_->currentIndex());
  const Norm norm = Norm(normalization_->currentIndex());
  const double p_lo = range_->currentIndex() == kPercentile ? 1 : 0;
  const double p_hi = range_->currentIndex() == kPercentile ? 99 : 100;
  const bool fixed = range_->currentIndex() == kFixed;
  const widgets::Colormap cmap = widgets::colormapFromName(colormap_->currentText());
  const int channel = channel_->value();
  const QString quantity = mode == kL2        ? "L2 norm over channels"
                           : mode == kChannel ? QString("channel %1").arg(channel)
                           : mode == kAdded   ? QString("F_l, channel %1").arg(channel)
                           : mode == kPca     ? "PCA colours"
                                              : "mean |activation|";

  // Reduce every cell first, then pick ranges by the normalization mode.
  std::vector<std::vector<FloatArray>> maps(4, std::vector<FloatArray>(size_t(columns)));
  QStringList lacking;  // levels with fewer channels than asked for
  for (int l = 0; l < 4; ++l) {
    if (mode == kPca) {
      std::vector<const FloatArray*> level_maps;
      for (const auto& c : analysis.columns) level_maps.push_back(&c.levels[size_t(l)]);
      const PcaBasis basis = fitPcaBasis(level_maps);
      for (int k = 0; k < columns; ++k)
        maps[size_t(l)][size_t(k)] = projectPca(analysis.columns[size_t(k)].levels[size_t(l)], basis);
      continue;
    }
    for (int k = 0; k < columns; ++k) {
      const ColumnAnalysis& c = analysis.columns[size_t(k)];
      const FloatArray& src = mode == kAdded ? c.added[size_t(l)] : c.levels[size_t(l)];
      if (src.empty()) continue;
      const int channels = int(src.shape[0]);
      if ((mode == kChannel || mode == kAdded) && channel >= channels) {
        // Refused, not clamped: a cell never shows another channel than the one it says.
        if (k == 0) lacking << QString("%1 has %2").arg(levelLabel(l)).arg(channels);
        continue;
      }
      maps[size_t(l)][size_t(k)] = mode == kL2 ? reduceChannels(src, Reduction::L2Norm)
                                   : mode == kChannel || mode == kAdded
                                       ? reduceChannels(src, Reduction::Channel, channel)
                                       : reduceChannels(src, Reduction::MeanAbs);
    }
  }
  auto rangeOf = [&](int k, int l) {
    if (fixed) return ValueRange{float(fixed_lo_->value()), float(fixed_hi_->value())};
    std::vector<const FloatArray*> set;
    for (int ll = 0; ll < 4; ++ll)
      for (int kk = 0; kk < columns; ++kk) {
        const bool in = norm == kGlobal || (norm == kPerLevel && ll == l) || (kk == k && ll == l);
        if (in && !maps[size_t(ll)][size_t(kk)].empty()) set.push_back(&maps[size_t(ll)][size_t(kk)]);
      }
    ValueRange r = percentileRange(set, p_lo, p_hi);
    if (mode == kAdded) {  // signed: centre the diverging map on zero
      const float m = std::max(std::abs(r.lo), std::abs(r.hi));
      r = {-m, m};
    }
    return r;
  };
  scales_.assign(size_t(4 * columns), CellScale{});
  for (int l = 0; l < 4; ++l) {
    for (int k = 0; k < columns; ++k) {
      const FloatArray& m = maps[size_t(l)][size_t(k)];
      CellScale& s = scales_[size_t(l * columns + k)];
      s.quantity = quantity;
      if (m.empty()) {
        grid_->setCell(k, l, QImage());
        continue;
      }
      if (mode == kPca) {
        grid_->setCell(k, l, toQImage(m));
        continue;
      }
      const ValueRange r = rangeOf(k, l);
      s = {true, cmap, r.lo, r.hi, quantity};
      grid_->setCell(k, l,
                     widgets::renderColormapped(m.values.data(), int(m.shape[1]), int(m.shape[0]), r.lo, r.hi, cmap));
    }
    // One scale per row when its cells share the range; else each cell's range is in its tooltip.
    const CellScale& first = scales_[size_t(l * columns)];
    if (mode == kPca)
      grid_->clearRowScale(l, "RGB");
    else if (!first.colormapped)
      grid_->clearRowScale(l, {});
    else if (fixed || norm != kPerCell)
      grid_->setRowScale(l, cmap, first.lo, first.hi);
    else
      grid_->clearRowScale(l, "per cell");
  }

  QString note;
  switch (mode) {
    case kMeanAbs:
      note = "Mean |activation| over the channels of each map.";
      break;
    case kL2:
      note = "L2 norm over the channels of each map.";
      break;
    case kChannel:
      note = QString("Channel %1 of each map.").arg(channel);
      break;
    case kPca:
      note =
          "RGB = the first three principal components of each level, one basis per level shared by every "
          "column (so colours compare across columns).";
      break;
    case kAdded:
      note = QString(
                 "F_l, what each column added to the level: c_l(k) - alpha_l * c_l(k-1) (column 0: its map), "
                 "channel %1, signed (white = 0).")
                 .arg(channel);
      break;
  }
  if (mode != kPca)
    note += QString(" Colour range: %1, %2.")
                .arg(fixed                                   ? "fixed"
                     : range_->currentIndex() == kPercentile ? "1-99 percentile"
                                                             : "min-max")
                .arg(fixed ? QString("%1 to %2").arg(number(fixed_lo_->value()), number(fixed_hi_->value()))
                           : QString(kNormNames[norm]));
  if (!lacking.isEmpty())
    note += QString(" No channel %1 at %2 channels: those cells are empty.").arg(channel).arg(lacking.join(", "));
  note_->setText(note);
  updateCaptions();
}

void ColumnExplorer::updateCaptions() {
  if (!result_) return;
  const auto& analysis = result_->analysis;
  const int columns = int(analysis.columns.size());
  const Reconstruction* rec = nullptr;
  for (const Reconstruction& r : analysis.reconstructions)
    if (r.mode == caption_mode_ && r.precision == Precision::Float32) rec = &r;
  const QString mode_name = caption_mode_ == ReconstructionMode::Chain ? "chain" : "step";
  for (int l = 0; l < 4; ++l)
    for (int k = 0; k < columns; ++k) {
      QString caption, error_text;
      QColor color;
      if (rec && k < int(rec->columns.size())) {
        const double e = rec->columns[size_t(k)].levels[size_t(l)].rel_l2;
        caption = QString::number(e, 'g', 2);  // the mode is in the legend under the grid
        color = widgets::errorCaptionColor(e);
        error_text = QString("%1 reconstruction error (relative L2, float32): %2").arg(mode_name).arg(e, 0, 'g', 3);
      } else if (k == columns - 1) {
        caption = "last column";
        error_text = "reconstruction error: none, the last column has no next column to be inverted from";
      }
      grid_->setCell(k, l, grid_->cellImage(k, l), caption);
      grid_->setCellCaptionColor(k, l, color);
      const FloatArray& f = analysis.columns[size_t(k)].levels[size_t(l)];
      QString tip = QString("column %1, level %2").arg(k).arg(levelLabel(l));
      if (f.shape.size() == 3) {
        const auto [lo, hi] = valueSpan(f);
        tip += QString("\n%1 x %2 pixels, %3 channels\nactivations from %4 to %5")
                   .arg(f.shape[1])
                   .arg(f.shape[2])
                   .arg(f.shape[0])
                   .arg(number(lo), number(hi));
      }
      const CellScale s = cellScale(k, l);
      if (s.colormapped)
        tip += QString("\nshown: %1, colour range %2 to %3").arg(s.quantity, number(s.lo), number(s.hi));
      else if (!s.quantity.isEmpty())
        tip += "\nshown: " + s.quantity;
      if (!error_text.isEmpty()) tip += "\n" + error_text;
      tip += "\nClick for the cell detail.";
      grid_->setCellToolTip(k, l, tip);
    }
  grid_->setCaptionLegend(
      QString("caption: %1 reconstruction error of the column (relative L2, float32), log colour").arg(mode_name),
      kCaptionErrorLo, kCaptionErrorHi);
}

CellScale ColumnExplorer::cellScale(int column, int level) const {
  const int columns = grid_->columns();
  if (column < 0 || level < 0 || column >= columns || level >= 4 || scales_.size() != size_t(4 * columns)) return {};
  return scales_[size_t(level * columns + column)];
}

void ColumnExplorer::setFixedRange(double lo, double hi) {
  fixed_lo_->setValue(lo);
  fixed_hi_->setValue(hi);
  range_->setCurrentIndex(kFixed);
}

nlohmann::json ColumnExplorer::displaySettings() const {
  const int mode = mode_->currentIndex();
  nlohmann::json range;
  if (mode == kPca)
    range = {{"kind", "pca: each level's first three principal components, fitted over all columns, min-max to 0..1"}};
  else if (range_->currentIndex() == kFixed)
    range = {{"kind", "fixed"}, {"lo", fixed_lo_->value()}, {"hi", fixed_hi_->value()}};
  else
    range = {{"kind", "percentile"},
             {"lo_percentile", range_->currentIndex() == kPercentile ? 1 : 0},
             {"hi_percentile", range_->currentIndex() == kPercentile ? 99 : 100},
             {"symmetric_about_zero", mode == kAdded}};
  return {{"reduction", kModeNames[mode]},
          {"channel", mode == kChannel || mode == kAdded ? nlohmann::json(channel_->value()) : nlohmann::json(nullptr)},
          {"normalization", mode == kPca ? "per level (shared PCA basis)" : kNormNames[normalization_->currentIndex()]},
          {"range", range},
          {"colormap", mode == kPca ? "rgb" : colormap_->currentText().toStdString()},
          {"caption", (caption_mode_ == ReconstructionMode::Chain ? "chain" : "step") +
                          std::string(" fp32 relative reconstruction error of the cell's column")}};
}

QImage ColumnExplorer::renderCell(int column, int level, int min_side) const {
  QImage img = grid_->cellImage(column, level);
  if (img.isNull()) return img;
  const int longer = std::max(img.width(), img.height());
  const int factor = std::max(1, (min_side + longer - 1) / longer);
  return img.scaled(img.width() * factor, img.height() * factor, Qt::KeepAspectRatio, Qt::FastTransformation);
}

}  // namespace revcol::studio
