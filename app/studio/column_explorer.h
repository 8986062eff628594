#pragma once
// The column explorer: display controls, a line saying what the cells show, and a FeatureGrid with
// one map per (column, level). Every row carries its colour scale; every caption the reconstruction
// error of its cell's column (step or chain, as the Reversible reconstruction dock shows), coloured
// on a log scale; every cell a tooltip with its shape, value range and error.
#include <QWidget>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "inference_worker.h"
#include "revcol_widgets/colormap.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace revcol::widgets {
class FeatureGrid;
}

namespace revcol::studio {

// How one explorer cell was coloured (the cell detail and exports draw the same colour bar).
struct CellScale {
  bool colormapped = false;  // false: PCA colours (RGB), or nothing drawn
  widgets::Colormap map = widgets::Colormap::Viridis;
  double lo = 0, hi = 0;
  QString quantity;  // "mean |activation|", "channel 5", ...
};

class ColumnExplorer : public QWidget {
  Q_OBJECT
 public:
  // Display modes, in the order of the mode box.
  enum Mode { kMeanAbs, kL2, kChannel, kPca, kAdded };

  explicit ColumnExplorer(QWidget* parent = nullptr);
  void setResult(std::shared_ptr<const AnalysisJobResult> result);
  // Which reconstruction errors the captions show (the reconstruction dock's step / chain choice).
  void setReconstructionMode(ReconstructionMode mode);
  // The thumbnail image of a cell as currently displayed (for the detail view).
  QImage renderCell(int column, int level, int min_side) const;
  CellScale cellScale(int column, int level) const;
  widgets::FeatureGrid* grid() const { return grid_; }
  void setMode(int mode);
  int mode() const;
  void setChannel(int channel);
  // A fixed colour range [lo, hi] for every cell instead of one computed from the data.
  void setFixedRange(double lo, double hi);
  // What the cells show now, in words (the line above the grid).
  QString note() const;
  // How the cells are drawn now (reduction, channel, normalization, range, colormap), as recorded
  // in the JSON sidecar of an exported figure.
  nlohmann::json displaySettings() const;

 signals:
  void cellActivated(int column, int level);

 private:
  void onModeChanged(int mode);
  void refresh();
  void updateCaptions();

  std::shared_ptr<const AnalysisJobResult> result_;
  ReconstructionMode caption_mode_ = ReconstructionMode::Step;
  std::vector<CellScale> scales_;
  QStringList row_labels_;  // level-major, as the grid's cells
  widgets::FeatureGrid* grid_ = nullptr;
  QComboBox* mode_ = nullptr;
  QSpinBox* channel_ = nullptr;
  QComboBox* colormap_ = nullptr;
  QComboBox* normalization_ = nullptr;
  QComboBox* range_ = nullptr;
  QDoubleSpinBox* fixed_lo_ = nullptr;
  QDoubleSpinBox* fixed_hi_ = nullptr;
  QLabel* note_ = nullptr;
};

}  // namespace revcol::studio
