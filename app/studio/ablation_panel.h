#pragma once
// The ablation panel: pick an intervention on the backbone (stop after column k, zero or mean-out
// one column's level), run it on the shown frame, and compare every task's predictions with the
// unmodified result side by side.
#include <QWidget>
#include <memory>

#include "inference_worker.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTextBrowser;

namespace revcol::widgets {
class ImageView;
}

namespace revcol::studio {

class AblationPanel : public QWidget {
  Q_OBJECT
 public:
  explicit AblationPanel(QWidget* parent = nullptr);

  void setModel(const LoadedModel& model);
  // The unmodified result of the shown frame (an ablated result of another frame is cleared).
  void setBaseline(std::shared_ptr<const AnalysisJobResult> baseline);
  void setAblated(std::shared_ptr<const AblationJobResult> ablated);
  void setAblation(const Ablation& ablation);  // scripted use
  Ablation ablation() const;

  std::shared_ptr<const AblationJobResult> ablated() const { return ablated_; }
  QString comparisonText() const;
  const QImage& ablatedImage() const;

 signals:
  void runRequested(const revcol::Ablation& ablation);

 private:
  void refresh();

  LoadedModel model_;
  std::shared_ptr<const AnalysisJobResult> baseline_;
  std::shared_ptr<const AblationJobResult> ablated_;
  QComboBox* kind_ = nullptr;
  QSpinBox* column_ = nullptr;
  QSpinBox* level_ = nullptr;
  QPushButton* run_ = nullptr;
  QTextBrowser* comparison_ = nullptr;
  widgets::ImageView* image_ = nullptr;
};

// The comparison of an unmodified and an ablated result, as HTML tables.
QString ablationComparisonHtml(const LoadedModel& model, const AnalysisJobResult& baseline,
                               const AblationJobResult& ablated);

}  // namespace revcol::studio
