#include "live_worker.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <numeric>

#include "model_summary.h"
#include "revcol/class_labels.h"
#include "revcol/error.h"
#include "revcol/model_card.h"
#include "revcol/preprocess.h"

namespace revcol::live {

ImagenetPreprocess inputPreprocess(const ModelSpec& spec) {
  // As the studio and revcol-cli do: a model trained by revcol-train sees what it learnt on.
  const int card = spec.input_size == 0 && !spec.random_tiny ? modelCardImageSize(spec.checkpoint) : 0;
  return card > 0 ? cardPreprocess(card) : officialImagenetEval(spec.input_size > 0 ? spec.input_size : 224);
}

LiveWorker::LiveWorker(ModelSpec spec) : spec_(std::move(spec)) {
  thread_ = std::thread([this] { run(); });
}

LiveWorker::~LiveWorker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LiveWorker::submitFrame(const cv::Mat& rgb, uint64_t seq) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (seq <= pending_seq_) return;
    pending_ = rgb;
    pending_seq_ = seq;
  }
  wake_.notify_one();
}

void LiveWorker::setView(const ViewSettings& view) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (view == view_) return;
    view_ = view;
    view_changed_ = true;
  }
  wake_.notify_one();
}

std::shared_ptr<const LiveResult> LiveWorker::result(uint64_t* generation) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (generation) *generation = generation_;
  return result_;
}

LoadingStatus LiveWorker::loading() const {
  std::lock_guard<std::mutex> lock(mutex_);
  LoadingStatus s = loading_;
  s.stage_seconds = std::chrono::duration<double>(Clock::now() - stage_start_).count();
  return s;
}

std::string LiveWorker::modelSummary() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return summary_;
}

int64_t LiveWorker::parameters() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return parameters_;
}

std::string LiveWorker::precisionNote() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return precision_;
}

std::string LiveWorker::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

int LiveWorker::columns() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return columns_;
}

double LiveWorker::modelFps() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (recent_ms_.empty()) return 0;
  double total = std::accumulate(recent_ms_.begin(), recent_ms_.end(), 0.0);
  return total > 0 ? 1000.0 * double(recent_ms_.size()) / total : 0;
}

uint64_t LiveWorker::analysesDone() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return analyses_;
}

// Caller holds mutex_.
void LiveWorker::setStage(LoadingStatus::Stage stage) {
  if (loading_.stage == stage) return;
  loading_.stage = stage;
  stage_start_ = Clock::now();
}

void LiveWorker::run() {
  // Lower this thread's priority (Linux nice is per thread, and libtorch's OpenMP threads, created
  // from here, inherit it): on a busy laptop the render loop must win over the model.
  setpriority(PRIO_PROCESS, pid_t(syscall(SYS_gettid)), 10);
  try {
    LoadOptions load;
    load.threads = spec_.threads;
    load.bf16 = spec_.bf16;
    RevColModel model =
        spec_.random_tiny ? RevColModel::random(revcolTiny(), 0, load) : RevColModel::load(spec_.checkpoint, load);
    std::vector<std::string> names = classNamesFor(model.info().architecture.num_classes);
    std::lock_guard<std::mutex> lock(mutex_);
    summary_ = plainModelSummary(model.info().architecture);
    parameters_ = model.info().parameter_count;
    if (spec_.random_tiny) summary_ += " (random weights)";
    // Say whether --bf16 took: a CPU without a bf16 kernel keeps float32.
    if (spec_.bf16) precision_ = model.info().cpu_path == "fast bf16" ? "bf16" : "float32, bf16 not available";
    columns_ = model.info().architecture.columns;
    loading_.load_seconds = std::chrono::duration<double>(Clock::now() - stage_start_).count();
    setStage(LoadingStatus::Stage::WaitingForFrame);
    model_.emplace(std::move(model));
    class_names_ = std::move(names);
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = e.what();
    setStage(LoadingStatus::Stage::Failed);
    return;
  }

  const ImagenetPreprocess prep = inputPreprocess(spec_);
  uint64_t done_seq = 0;
  while (true) {
    cv::Mat frame;
    uint64_t seq = 0;
    bool recolour = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || pending_seq_ > done_seq || view_changed_; });
      if (stop_) return;
      if (pending_seq_ > done_seq) {
        frame = pending_;
        seq = pending_seq_;
        pending_ = cv::Mat();
        if (!result_) {
          setStage(LoadingStatus::Stage::FirstAnalysis);
          loading_.frame_seq = seq;
        }
      } else {
        recolour = true;
      }
    }
    try {
      if (!recolour) {
        auto t0 = Clock::now();
        AnalysisOptions options;
        options.added_maps = false;
        options.decoders = false;
        options.progress = [this](int done, int total) {
          std::lock_guard<std::mutex> lock(mutex_);
          loading_.steps_done = done;
          loading_.steps_total = total;
          return !stop_;
        };
        analysis_ = std::make_shared<AnalysisResult>(model_->analyze(preprocessImagenet(frame, prep), options));
        // The pixels stay with their maps: a recolour later shows this frame, not a newer one.
        analysed_frame_ = frame;
        analysed_seq_ = done_seq = seq;
        colourAndPublish(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      } else if (analysis_) {
        colourAndPublish(0);
      } else {
        std::lock_guard<std::mutex> lock(mutex_);
        view_changed_ = false;
      }
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_) return;
      error_ = e.what();
      done_seq = seq;
    }
  }
}

// ms: the analysis time of a new frame; 0 for a recolour of the last one.
void LiveWorker::colourAndPublish(double ms) {
  ViewSettings view;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    view = view_;
    view_changed_ = false;
  }
  auto out =
      std::make_shared<LiveResult>(makeLiveResult(*analysis_, analysed_frame_, analysed_seq_, view, class_names_));
  std::lock_guard<std::mutex> lock(mutex_);
  out->model_ms = ms > 0 ? ms : (result_ ? result_->model_ms : 0);
  if (ms > 0) {
    recent_ms_.push_back(ms);
    if (recent_ms_.size() > 8) recent_ms_.erase(recent_ms_.begin());
    ++analyses_;
  }
  result_ = std::move(out);
  ++generation_;
  setStage(LoadingStatus::Stage::Ready);
  error_.clear();
}

}  // namespace revcol::live
