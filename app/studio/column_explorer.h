#pragma once
// The column explorer: display controls above a FeatureGrid with one thumbnail per (column, level).
#include <QWidget>
#include <memory>
#include <nlohmann/json.hpp>

#include "inference_worker.h"

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace revcol::widgets {
class FeatureGrid;
}

namespace revcol::studio {

class ColumnExplorer : public QWidget {
  Q_OBJECT
 public:
  explicit ColumnExplorer(QWidget* parent = nullptr);
  void setResult(std::shared_ptr<const AnalysisJobResult> result);
  // The thumbnail image of a cell as currently displayed (for the detail view).
  QImage renderCell(int column, int level, int min_side) const;
  widgets::FeatureGrid* grid() const { return grid_; }
  // Display mode index as listed in the mode box (0 mean |a|, 1 L2, 2 channel, 3 PCA, 4 F_l).
  void setMode(int mode);
  // A fixed colour range [lo, hi] for every cell instead of one computed from the data.
  void setFixedRange(double lo, double hi);
  // How the cells are drawn now (reduction, channel, normalization, range, colormap), as recorded
  // in the JSON sidecar of an exported figure.
  nlohmann::json displaySettings() const;

 signals:
  void cellActivated(int column, int level);

 private:
  void refresh();

  std::shared_ptr<const AnalysisJobResult> result_;
  widgets::FeatureGrid* grid_ = nullptr;
  QComboBox* mode_ = nullptr;
  QSpinBox* channel_ = nullptr;
  QComboBox* colormap_ = nullptr;
  QComboBox* normalization_ = nullptr;
  QComboBox* range_ = nullptr;
  QDoubleSpinBox* fixed_lo_ = nullptr;
  QDoubleSpinBox* fixed_hi_ = nullptr;
};

}  // namespace revcol::studio
