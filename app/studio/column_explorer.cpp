#include "column_explorer.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>

#include "revcol/feature_view.h"
#include "revcol_widgets/colormap.h"
#include "revcol_widgets/feature_grid.h"

namespace revcol::studio {
namespace {

enum Mode { kMeanAbs, kL2, kChannel, kPca, kAdded };
enum Norm { kPerCell, kPerLevel, kGlobal };
enum Range { kMinMax, kPercentile, kFixed };
const char* const kModeNames[] = {"mean_abs", "l2_norm", "channel", "pca_rgb", "added_channel"};
const char* const kNormNames[] = {"per cell", "per level (across columns)", "global"};

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

}  // namespace

ColumnExplorer::ColumnExplorer(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout;
  mode_ = new QComboBox(this);
  mode_->addItems({"mean |activation|", "L2 norm over channels", "single channel", "PCA to RGB (per level)",
                   "what this column added (F_l)"});
  channel_ = new QSpinBox(this);
  channel_->setPrefix("channel ");
  channel_->setEnabled(false);
  colormap_ = new QComboBox(this);
  colormap_->addItems(widgets::colormapNames());
  normalization_ = new QComboBox(this);
  normalization_->addItems({"normalize per cell", "normalize per level", "normalize globally"});
  normalization_->setCurrentIndex(kPerLevel);
  range_ = new QComboBox(this);
  range_->addItems({"range: min-max", "range: 1-99 percentile", "range: fixed"});
  range_->setCurrentIndex(kPercentile);
  fixed_lo_ = new QDoubleSpinBox(this);
  fixed_hi_ = new QDoubleSpinBox(this);
  for (QDoubleSpinBox* b : {fixed_lo_, fixed_hi_}) {
    b->setRange(-1e6, 1e6);
    b->setDecimals(4);
    b->setSingleStep(0.1);
    b->setEnabled(false);
  }
  fixed_lo_->setPrefix("lo ");
  fixed_hi_->setPrefix("hi ");
  fixed_hi_->setValue(1.0);
  for (QWidget* w :
       std::initializer_list<QWidget*>{mode_, channel_, colormap_, normalization_, range_, fixed_lo_, fixed_hi_})
    controls->addWidget(w);
  controls->addStretch(1);
  layout->addLayout(controls);

  grid_ = new widgets::FeatureGrid(this);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(grid_);
  scroll->setWidgetResizable(false);
  layout->addWidget(scroll, 1);

  connect(mode_, &QComboBox::currentIndexChanged, this, [this](int m) {
    channel_->setEnabled(m == kChannel);
    refresh();
  });
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
}

void ColumnExplorer::setResult(std::shared_ptr<const AnalysisJobResult> result) {
  result_ = std::move(result);
  const auto& columns = result_->analysis.columns;
  if (columns.empty()) return;
  if (grid_->columns() != int(columns.size())) {
    QStringList labels;
    for (int l = 0; l < 4; ++l) labels << QString("c%1  /%2").arg(l).arg(4 << l);
    grid_->setShape(int(columns.size()), 4, labels);
  }
  int max_channels = 0;
  for (const auto& level : columns.front().levels)
    if (!level.shape.empty()) max_channels = std::max(max_channels, int(level.shape[0]));
  channel_->setMaximum(std::max(0, max_channels - 1));
  refresh();
}

void ColumnExplorer::setMode(int mode) { mode_->setCurrentIndex(mode); }

void ColumnExplorer::refresh() {
  if (!result_) return;
  const auto& analysis = result_->analysis;
  const int columns = int(analysis.columns.size());
  const Mode mode = Mode(mode_->currentIndex());
  const Norm norm = Norm(normalization_->currentIndex());
  const double p_lo = range_->currentIndex() == kPercentile ? 1 : 0;
  const double p_hi = range_->currentIndex() == kPercentile ? 99 : 100;
  const bool fixed = range_->currentIndex() == kFixed;
  const widgets::Colormap cmap = mode == kAdded && colormap_->currentText() == "viridis"
                                     ? widgets::Colormap::Diverging
                                     : widgets::colormapFromName(colormap_->currentText());
  // Step fp32 reconstruction errors for captions: cell (k, l) = column k recovered from k + 1.
  const Reconstruction* step = nullptr;
  for (const Reconstruction& r : analysis.reconstructions)
    if (r.mode == ReconstructionMode::Step && r.precision == Precision::Float32) step = &r;

  // Reduce every cell first, then pick ranges by the normalization mode.
  std::vector<std::vector<FloatArray>> maps(4, std::vector<FloatArray>(size_t(columns)));
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
      maps[size_t(l)][size_t(k)] =
          mode == kL2        ? reduceChannels(src, Reduction::L2Norm)
          : mode == kChannel ? reduceChannels(src, Reduction::Channel, std::min(channel_->value(), channels - 1))
          : mode == kAdded   ? reduceChannels(src, Reduction::Channel, std::min(channel_->value(), channels - 1))
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
  for (int l = 0; l < 4; ++l)
    for (int k = 0; k < columns; ++k) {
      const FloatArray& m = maps[size_t(l)][size_t(k)];
      QString caption = "-";
      if (step && k < int(step->columns.size()))
        caption = QString("err %1").arg(step->columns[size_t(k)].levels[size_t(l)].rel_l2, 0, 'g', 2);
      if (m.empty()) {
        grid_->setCell(k, l, QImage(), caption);
        continue;
      }
      if (mode == kPca) {
        grid_->setCell(k, l, toQImage(m), caption);
        continue;
      }
      const ValueRange r = rangeOf(k, l);
      grid_->setCell(k, l,
                     widgets::renderColormapped(m.values.data(), int(m.shape[1]), int(m.shape[0]), r.lo, r.hi, cmap),
                     caption);
    }
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
  const bool diverging = mode == kAdded && colormap_->currentText() == "viridis";
  return {{"reduction", kModeNames[mode]},
          {"channel", mode == kChannel || mode == kAdded ? nlohmann::json(channel_->value()) : nlohmann::json(nullptr)},
          {"normalization", mode == kPca ? "per level (shared PCA basis)" : kNormNames[normalization_->currentIndex()]},
          {"range", range},
          {"colormap", mode == kPca ? "rgb"
                       : diverging  ? "diverging"
                                    : colormap_->currentText().toStdString()}};
}

QImage ColumnExplorer::renderCell(int column, int level, int min_side) const {
  QImage img = grid_->cellImage(column, level);
  if (img.isNull()) return img;
  const int longer = std::max(img.width(), img.height());
  const int factor = std::max(1, (min_side + longer - 1) / longer);
  return img.scaled(img.width() * factor, img.height() * factor, Qt::KeepAspectRatio, Qt::FastTransformation);
}

}  // namespace revcol::studio
