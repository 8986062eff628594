#pragma once
// View > Presentation (F11): one view of the shown frame fills the screen in large type, for a
// class at the back of a room: the column explorer; the input with every head's top-1 as bars (the
// growing certainty across columns); the reversible reconstruction; the CKA heat maps. A folder
// or a video advances on its own at a chosen interval. 1-4 choose the view, Space pauses the
// advance, Left / Right step, Esc leaves.
#include <QWidget>

class QLabel;
class QSpinBox;
class QTimer;

namespace revcol::widgets {
class ProbabilityBars;
}

namespace revcol::studio {

class MainWindow;

class PresentationWindow : public QWidget {
  Q_OBJECT
 public:
  enum View { kExplorer, kPredictions, kReconstruction, kCka, kViewCount };

  explicit PresentationWindow(MainWindow* window);
  void setView(int view);
  int view() const { return view_; }
  // Redraws the current view from the window's shown frame.
  void refresh();
  // Auto-advance through the open folder or video every `seconds` (0: off).
  void setAdvanceSeconds(int seconds);
  QString viewTitle() const;
  // What is drawn now (the view's picture; for tests and for looking at).
  QPixmap picture() const;

 protected:
  void keyPressEvent(QKeyEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  MainWindow* window_;
  int view_ = kPredictions;
  QLabel* title_ = nullptr;
  QLabel* hint_ = nullptr;
  QLabel* picture_ = nullptr;
  QLabel* input_ = nullptr;
  widgets::ProbabilityBars* bars_ = nullptr;
  QSpinBox* advance_ = nullptr;
  QTimer* timer_ = nullptr;
};

}  // namespace revcol::studio
