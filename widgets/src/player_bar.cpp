#include "revcol_widgets/player_bar.h"

#include <QHBoxLayout>
#include <QVBoxLayout>
#include <QSignalBlocker>
#include <QSlider>
#include <QStyle>
#include <QToolButton>
#include <algorithm>

#include "elided_label.h"

namespace revcol::widgets {

PlayerBar::PlayerBar(QWidget* parent) : QWidget(parent) {
  // Buttons and slider on one line, the position under them: the slider never shares its line
  // with a text that grows, so it stays usable at every width and the position is always read.
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(4, 2, 4, 2);
  outer->setSpacing(0);
  auto* layout = new QHBoxLayout;
  outer->addLayout(layout);
  auto button = [this, layout](QStyle::StandardPixmap icon, const QString& tip) {
    auto* b = new QToolButton(this);
    b->setIcon(style()->standardIcon(icon));
    b->setToolTip(tip);
    b->setAutoRaise(true);
    layout->addWidget(b);
    return b;
  };
  first_ = button(QStyle::SP_MediaSkipBackward, "First frame (Home)");
  previous_ = button(QStyle::SP_MediaSeekBackward, "Previous frame (Left)");
  play_ = button(QStyle::SP_MediaPlay, "Play / pause (Space)");
  next_ = button(QStyle::SP_MediaSeekForward, "Next frame (Right)");
  last_ = button(QStyle::SP_MediaSkipForward, "Last frame (End)");
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setToolTip("Drag to a frame (it is analysed when released)");
  slider_->setTracking(false);    // one request when the handle is released, not one per pixel
  slider_->setMinimumWidth(120);  // still scrubbable when the window is narrow
  slider_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  layout->addWidget(slider_, 1);
  label_ = new ElidedLabel(this);
  outer->addWidget(label_);
  connect(first_, &QToolButton::clicked, this, [this]() { emit frameRequested(0); });
  connect(last_, &QToolButton::clicked, this, [this]() { emit frameRequested(frames_ - 1); });
  connect(previous_, &QToolButton::clicked, this, [this]() { stepBy(-1); });
  connect(next_, &QToolButton::clicked, this, [this]() { stepBy(1); });
  connect(play_, &QToolButton::clicked, this, &PlayerBar::togglePlaying);
  connect(slider_, &QSlider::valueChanged, this, [this](int v) {
    if (v != position_) emit frameRequested(v);
  });
  setSequence(0, 0);
}

void PlayerBar::setSequence(int frames, double fps) {
  frames_ = frames;
  fps_ = fps;
  position_ = 0;
  const bool seekable = frames > 1;
  for (QToolButton* b : {first_, previous_, next_, last_}) b->setEnabled(seekable);
  slider_->setEnabled(seekable);
  play_->setEnabled(frames != 0 && frames != 1);
  const QSignalBlocker block(slider_);
  slider_->setRange(0, std::max(0, frames - 1));
  slider_->setValue(0);
  setPlaying(false);
  // Room for the longest text this sequence shows, when the bar has it to give.
  QString widest = frames > 0 ? QString("frame %1 / %1").arg(frames) : QString("live, frame 00000");
  if (frames > 0 && fps > 0) widest += QString(", %1 s").arg(frames / fps, 0, 'f', 2);
  label_->setReserve(widest);
  updateLabel();
}

void PlayerBar::setPosition(int frame) {
  position_ = frame;
  const QSignalBlocker block(slider_);
  slider_->setValue(frame);
  updateLabel();
}

void PlayerBar::setPlaying(bool playing) {
  if (playing_ == playing) return;
  playing_ = playing;
  play_->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
  emit playingChanged(playing);
}

void PlayerBar::togglePlaying() {
  if (play_->isEnabled()) setPlaying(!playing_);
}

void PlayerBar::stepBy(int delta) {
  if (frames_ <= 1) return;
  const int target = std::clamp(position_ + delta, 0, frames_ - 1);
  if (target != position_) emit frameRequested(target);
}

QString PlayerBar::positionText() const { return label_->text(); }

void PlayerBar::updateLabel() {
  if (frames_ < 0) {
    label_->setText(QString("live, frame %1").arg(position_));
  } else if (frames_ == 0) {
    label_->setText({});
  } else {
    QString text = QString("frame %1 / %2").arg(position_ + 1).arg(frames_);
    if (fps_ > 0) text += QString(", %1 s").arg(position_ / fps_, 0, 'f', 2);
    label_->setText(text);
  }
}

}  // namespace revcol::widgets
