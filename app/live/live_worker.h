#pragma once
// One thread owns the model. The render loop hands it the newest frame (a newer one replaces a
// frame still waiting: latest frame wins) and the view settings; the thread analyses, colours every
// column/level cell and publishes the result together with the frame it analysed. Nothing here
// blocks the render loop beyond a mutex held for a pointer swap.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app_state.h"
#include "live_result.h"
#include "revcol/model.h"
#include "revcol/preprocess.h"

namespace revcol::live {

struct ModelSpec {
  std::string checkpoint;  // empty with random_tiny
  bool random_tiny = false;
  int input_size = 0;  // 0: the model card's size (revcol/model_card.h), warped; else the official 224 crop
  int threads = 0;     // LoadOptions::threads
  bool bf16 = false;
};

// How frames are prepared for `spec`'s model: --size N is the official transform at N; without
// it, the model card's warp (revcol/model_card.h), else the official 224.
ImagenetPreprocess inputPreprocess(const ModelSpec& spec);

// What the worker is doing before its first result, for the loading screen.
struct LoadingStatus {
  enum class Stage { LoadingModel, WaitingForFrame, FirstAnalysis, Ready, Failed };
  Stage stage = Stage::LoadingModel;
  double stage_seconds = 0;  // time spent in this stage so far
  double load_seconds = 0;   // how long the model took to load (once loaded)
  int steps_done = 0;        // FirstAnalysis: units of work of the analysis done, of steps_total
  int steps_total = 0;
  uint64_t frame_seq = 0;  // FirstAnalysis: the frame being analysed
};

class LiveWorker {
 public:
  explicit LiveWorker(ModelSpec spec);
  ~LiveWorker();
  LiveWorker(const LiveWorker&) = delete;
  LiveWorker& operator=(const LiveWorker&) = delete;

  // Render thread. Replaces any frame not yet started. `rgb` must not be written afterwards: the
  // result hands the same pixels back as the analysed input.
  void submitFrame(const cv::Mat& rgb, uint64_t seq);
  // Render thread. A change recolours the last analysis without running the model again.
  void setView(const ViewSettings& view);

  // Newest published result (nullptr before the first) and a counter that changes with each one.
  std::shared_ptr<const LiveResult> result(uint64_t* generation = nullptr) const;
  LoadingStatus loading() const;
  std::string modelSummary() const;   // plainModelSummary(); "" while loading
  int64_t parameters() const;         // 0 while loading
  std::string precisionNote() const;  // with --bf16: "bf16", or why float32 runs; else ""
  std::string error() const;          // the last failure, "" when fine
  int columns() const;                // 0 while loading
  double modelFps() const;            // analyses per second over the last few
  uint64_t analysesDone() const;

 private:
  using Clock = std::chrono::steady_clock;
  void run();
  void setStage(LoadingStatus::Stage stage);
  void colourAndPublish(double ms);

  ModelSpec spec_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  cv::Mat pending_;
  uint64_t pending_seq_ = 0;
  ViewSettings view_;
  bool view_changed_ = false;
  std::shared_ptr<const LiveResult> result_;
  uint64_t generation_ = 0;
  LoadingStatus loading_;
  Clock::time_point stage_start_ = Clock::now();
  std::string summary_;
  int64_t parameters_ = 0;
  std::string precision_;
  std::string error_;
  int columns_ = 0;
  std::vector<double> recent_ms_;
  uint64_t analyses_ = 0;

  // Worker thread only: the model, and the last analysis with the frame it was computed from (a
  // view change recolours them).
  std::optional<RevColModel> model_;
  std::vector<std::string> class_names_;
  std::shared_ptr<const AnalysisResult> analysis_;
  cv::Mat analysed_frame_;
  uint64_t analysed_seq_ = 0;
  std::thread thread_;
};

}  // namespace revcol::live
