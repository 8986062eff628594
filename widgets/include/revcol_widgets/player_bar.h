#pragma once
// Transport controls for a sequence of frames (a video, a folder of images, a webcam): first /
// previous / play-pause / next / last, a scrub slider and "frame i / n, t s". A live source has
// no timeline: only play-pause is enabled. The bar only asks; the owner decides what is shown and
// reports it back with setPosition() (so a request that fails leaves the bar where it was).
// At any width the slider keeps room to scrub: the position text gives way (elided) first.
#include <QWidget>

class QSlider;
class QToolButton;

namespace revcol::widgets {

class ElidedLabel;

class PlayerBar : public QWidget {
  Q_OBJECT
 public:
  explicit PlayerBar(QWidget* parent = nullptr);

  // frames: length of the sequence (-1 for a live source); fps 0 when unknown (no times shown).
  void setSequence(int frames, double fps);
  void setPosition(int frame);  // what is shown now; emits nothing
  void setPlaying(bool playing);
  int position() const { return position_; }
  int frames() const { return frames_; }
  bool playing() const { return playing_; }
  QString positionText() const;  // the full text (the bar may show it elided)

 public slots:
  void stepBy(int delta);  // asks for position + delta, clamped to the sequence
  void togglePlaying();

 signals:
  void frameRequested(int frame);
  void playingChanged(bool playing);

 private:
  void updateLabel();

  int frames_ = 0;
  double fps_ = 0;
  int position_ = 0;
  bool playing_ = false;
  QToolButton *first_, *previous_, *play_, *next_, *last_;
  QSlider* slider_ = nullptr;
  ElidedLabel* label_ = nullptr;
};

}  // namespace revcol::widgets
