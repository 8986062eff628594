#pragma once
// The column explorer: display controls above a FeatureGrid with one thumbnail per (column, level).
#include <QWidget>
#include <memory>

#include "inference_worker.h"

class QComboBox;
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
};

}  // namespace revcol::studio
