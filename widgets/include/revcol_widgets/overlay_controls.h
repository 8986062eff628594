#pragma once
// Controls of the task overlay drawn over the input: for detection a score threshold and a class
// filter, for segmentation the legend of the classes present; an opacity for both. The list shows
// the classes of the current frame with a colour swatch; unticking a class hides it, and stays
// unticked on later frames until ticked again.
#include <QColor>
#include <QSet>
#include <QString>
#include <QVector>
#include <QWidget>

class QLabel;
class QListWidget;
class QSlider;

namespace revcol::widgets {

struct LegendEntry {
  int index = 0;  // class index
  QString name;
  QColor color;
  QString detail;  // "3 objects, best 0.97" / "41.2 % of the pixels"
};

class OverlayControls : public QWidget {
  Q_OBJECT
 public:
  enum class Mode { None, Detection, Segmentation };
  explicit OverlayControls(QWidget* parent = nullptr);

  void setMode(Mode mode);
  Mode mode() const { return mode_; }
  void setEntries(const QVector<LegendEntry>& entries);
  int entryCount() const;

  double scoreThreshold() const;  // detection: objects below are hidden (0..1)
  void setScoreThreshold(double threshold);
  double opacity() const;  // 0..1
  void setOpacity(double opacity);
  bool classShown(int index) const { return !hidden_.contains(index); }
  void setClassShown(int index, bool shown);

 signals:
  void changed();

 private:
  Mode mode_ = Mode::None;
  QSet<int> hidden_;
  QLabel* score_label_ = nullptr;
  QSlider* score_ = nullptr;
  QSlider* opacity_ = nullptr;
  QListWidget* list_ = nullptr;
};

}  // namespace revcol::widgets
