// MainWindow: walking through the frames of what is open (folder, video, webcam), playback, the
// per-frame result cache and the timeline of per-frame measures.
#include <QDockWidget>
#include <QFileInfo>
#include <QStatusBar>
#include <QTimer>
#include <algorithm>

#include "main_window.h"
#include "studio_style.h"
#include "revcol/error.h"
#include "revcol/image_io.h"
#include "revcol_widgets/image_view.h"
#include "revcol_widgets/player_bar.h"
#include "revcol_widgets/timeline_plot.h"

namespace revcol::studio {
namespace {

constexpr int kLiveHistory = 1000;  // webcam frames kept on the timeline

}  // namespace

void MainWindow::showPosition(int position) {
  if (sequence_.empty() || (!sequence_.live() && (position < 0 || position >= sequence_.frames))) return;
  position_ = position;
  // The playhead follows every jump and step at once, before the frame is analysed.
  player_->setPosition(position);
  timeline_->setCurrentFrame(position);
  const FrameRequest request = sequence_.request(position);
  if (auto cached = cache_.get(request.key())) {
    worker_->supersede(next_id_++);  // whatever is still running is for a frame no longer wanted
    showResult(cached);
    emit frameShown(position);
    if (player_->playing()) scheduleAdvance();
    requestFloat64IfShownLacksIt();  // a frame analysed during playback
    return;
  }
  if (model_ready_) {
    requestAnalysis(request);
    return;
  }
  // No model yet: at least show the picture.
  if (request.kind == SourceKind::Image) {
    try {
      const cv::Mat rgb = loadImageRgb(request.path.toStdString());
      input_view_->setImage(toQImage(rgb));
    } catch (const Error& e) {
      showError(QString::fromStdString(e.what()));
    }
  }
  statusBar()->showMessage("Open a RevCol checkpoint to analyse " + sequence_.label(position), 5000);
}

void MainWindow::requestAnalysis(const FrameRequest& frame) {
  const quint64 id = next_id_++;
  worker_->supersede(id);
  startJob();
  ++analyses_requested_;
  const AnalysisSettings settings = settings_;
  QMetaObject::invokeMethod(
      worker_, [w = worker_, id, frame, settings]() { w->analyze(id, frame, settings); }, Qt::QueuedConnection);
}

void MainWindow::onVideoOpened(const QString& path, qint64 frames, double fps) {
  if (path == sequence_.path && sequence_.kind == SourceKind::Video) {
    sequence_.frames = int(frames);
    sequence_.fps = fps;
    player_->setSequence(sequence_.frames, fps);
    statusBar()->showMessage(QString("%1: %2 frames at %3 fps").arg(QFileInfo(path).fileName()).arg(frames).arg(fps),
                             5000);
    updateTimeline();
    showPosition(0);
  }
  finishJob();
}

void MainWindow::onAnalysisReady(std::shared_ptr<const AnalysisJobResult> result) {
  const bool current = result->id + 1 == next_id_;
  // Even a superseded result is a correct one: keep it for when its frame is shown again.
  cache_.put(result->frame.key(), result);
  int position = -1;
  if (sequence_.live() && current) {
    position = live_frames_++;
    position_ = position;
    player_->setPosition(position);
  } else if (!sequence_.live()) {
    position = result->frame.kind == SourceKind::Video
                   ? int(result->frame.index)
                   : int(sequence_.kind == SourceKind::Folder ? sequence_.files.indexOf(result->frame.path) : 0);
    if (position < 0 || position >= sequence_.frames || sequence_.request(position).key() != result->frame.key())
      position = -1;  // a frame of something opened before
  }
  if (position >= 0) recordSummary(position, *result);
  if (current) {
    showResult(result);
    emit frameShown(position_);
    if (player_->playing()) scheduleAdvance();
    requestFloat64IfShownLacksIt();  // before finishJob: the window is idle only once it is there
  }
  finishJob();
}

void MainWindow::requestFloat64IfShownLacksIt() {
  if (!result_ || !model_ready_ || player_->playing() || hasFloat64(*result_)) return;
  if (float64_id_ + 1 == next_id_) return;  // asked for already, and nothing requested since
  const quint64 id = next_id_++;
  float64_id_ = id;
  worker_->supersede(id);
  startJob();
  QMetaObject::invokeMethod(
      worker_, [w = worker_, id, base = result_]() { w->addFloat64(id, base); }, Qt::QueuedConnection);
}

void MainWindow::onFloat64Ready(std::shared_ptr<const AnalysisJobResult> result) {
  cache_.put(result->frame.key(), result);
  // Still the frame on screen (nothing requested since): show its float64 curves.
  if (result->id + 1 == next_id_ && result_ && result_->frame.key() == result->frame.key()) showResult(result);
  finishJob();
}

void MainWindow::setPlaying(bool playing) {
  if (!playing && advance_timer_) advance_timer_->stop();
  player_->setPlaying(playing);  // emits playingChanged: starting advances, pausing completes float64
}

void MainWindow::scheduleAdvance() {
  if (!advance_timer_) {
    advance_timer_ = new QTimer(this);
    advance_timer_->setSingleShot(true);
    connect(advance_timer_, &QTimer::timeout, this, &MainWindow::advancePlayback);
  }
  // Cached frames play at the video's own rate (folders: two images a second); frames still to be
  // analysed play as fast as the model allows.
  const double interval_ms = sequence_.fps > 0 ? 1000.0 / sequence_.fps : sequence_.live() ? 0.0 : 500.0;
  const double shown_ago_ms = since_frame_shown_.isValid() ? double(since_frame_shown_.elapsed()) : interval_ms;
  advance_timer_->start(int(std::max(0.0, interval_ms - shown_ago_ms)));
}

void MainWindow::advancePlayback() {
  if (!player_->playing() || sequence_.empty()) return;
  since_frame_shown_.restart();
  if (sequence_.live()) {
    if (model_ready_) requestAnalysis(sequence_.request(0));
    return;
  }
  if (position_ + 1 >= sequence_.frames) {
    setPlaying(false);
    return;
  }
  showPosition(position_ + 1);
}

void MainWindow::recordSummary(int position, const AnalysisJobResult& result) {
  FrameSummary s;
  for (const Reconstruction& r : result.analysis.reconstructions) {
    if (r.mode != ReconstructionMode::Step || r.precision != Precision::Float32 || r.columns.empty()) continue;
    for (int l = 0; l < 4; ++l) {
      double sum = 0;
      for (const ColumnReconstruction& c : r.columns) sum += c.levels[size_t(l)].rel_l2;
      s.step_error[size_t(l)] = sum / double(r.columns.size());
    }
  }
  if (!result.analysis.heads.empty() && !result.analysis.heads.back().top.empty())
    s.top1 = result.analysis.heads.back().top.front().probability;
  else if (!result.detections.empty())
    s.top1 = result.detections.front().score;
  summaries_[position] = s;
  if (sequence_.live())
    while (summaries_.size() > kLiveHistory) summaries_.erase(summaries_.begin());
  updateTimeline();
}

void MainWindow::updateTimeline() {
  QVector<widgets::PlotSeries> errors;
  for (int l = 0; l < 4; ++l) {
    widgets::PlotSeries s;
    s.name = QString("c%1 step fp32").arg(l);
    s.color = levelColor(l);
    for (auto it = summaries_.begin(); it != summaries_.end(); ++it) {
      s.x.push_back(it.key());
      s.y.push_back(it.value().step_error[size_t(l)]);
    }
    errors.push_back(s);
  }
  widgets::PlotSeries confidence;
  confidence.name = model_.task == Task::Detection ? "best detection score" : "top-1 confidence";
  confidence.color = QColor("#6b21a8");
  for (auto it = summaries_.begin(); it != summaries_.end(); ++it)
    if (it.value().top1 >= 0) {
      confidence.x.push_back(it.key());
      confidence.y.push_back(it.value().top1);
    }
  const int frames = sequence_.frames > 0 ? sequence_.frames : std::max(1, live_frames_);
  timeline_->setSeries(errors, confidence, frames);
  timeline_->setCurrentFrame(position_);
}

}  // namespace revcol::studio
