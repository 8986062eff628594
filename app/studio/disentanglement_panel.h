#pragma once
// The disentanglement panel: CKA of every column and level against the input pixels and against
// labels, over a folder of images (ImageFolder style: class sub-folders give the labels), as the
// heat maps of the official tools/visual.py.
#include <QWidget>
#include <memory>

#include "inference_worker.h"

class QCheckBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace revcol::widgets {
class HeatmapView;
}

namespace revcol::studio {

// The images of `folder` for CKA: with `labels_from_subfolders` every image below the folder, its
// label the sub-folder directly under `folder` it sits in (images at the top level: no label);
// else the folder's own images. More than `max_images`: an evenly spaced subset (deterministic).
// Throws revcol::Error for a missing folder or one without images.
CkaRequest ckaRequestForFolder(const QString& folder, bool labels_from_subfolders, int max_images);

class DisentanglementPanel : public QWidget {
  Q_OBJECT
 public:
  explicit DisentanglementPanel(QWidget* parent = nullptr);

  void setResult(std::shared_ptr<const CkaJobResult> result);
  std::shared_ptr<const CkaJobResult> result() const { return result_; }
  // Offered as the default folder (the folder open in the player, if any).
  void setSuggestedFolder(const QString& folder) { suggested_ = folder; }
  widgets::HeatmapView* inputMap() const { return vs_input_; }
  widgets::HeatmapView* labelMap() const { return vs_labels_; }
  // Both heat maps side by side, as one image (exports).
  QImage renderImage() const;
  // Both heat maps at `size` with text of `font_pixels` (presentation mode).
  QImage renderImage(const QSize& size, int font_pixels) const;

 signals:
  void computeRequested(const revcol::studio::CkaRequest& request);
  void failed(const QString& message);

 private:
  QString suggested_;
  std::shared_ptr<const CkaJobResult> result_;
  QPushButton* compute_ = nullptr;
  QCheckBox* labels_ = nullptr;
  QSpinBox* max_images_ = nullptr;
  QLabel* status_ = nullptr;
  widgets::HeatmapView* vs_input_ = nullptr;
  widgets::HeatmapView* vs_labels_ = nullptr;
};

}  // namespace revcol::studio
