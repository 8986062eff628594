#pragma once
// One thread owns the model. The render loop hands it the newest frame (a newer one replaces a
// frame still waiting: latest frame wins) and the view settings; the thread analyses, colours every
// column/level cell and publishes the result. Nothing here blocks the render loop beyond a mutex
// held for a pointer swap.
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

// A coloured analysis, ready to upload.
struct LiveResult {
  uint64_t frame_seq = 0;
  ViewSettings view;
  int columns = 0;
  std::vector<std::array<cv::Mat, 4>> cells;  // [column][level] 8-bit RGB; empty Mat = nothing to show
  std::array<int64_t, 4> level_channels{};
  std::string top1;     // "tabby cat 83%" or "" without a classification head
  double model_ms = 0;  // analysis time of this frame
};

class LiveWorker {
 public:
  explicit LiveWorker(ModelSpec spec);
  ~LiveWorker();
  LiveWorker(const LiveWorker&) = delete;
  LiveWorker& operator=(const LiveWorker&) = delete;

  // Render thread. Replaces any frame not yet started.
  void submitFrame(const cv::Mat& rgb, uint64_t seq);
  // Render thread. A change recolours the last analysis without running the model again.
  void setView(const ViewSettings& view);

  // Newest published result (nullptr before the first) and a counter that changes with each one.
  std::shared_ptr<const LiveResult> result(uint64_t* generation = nullptr) const;
  std::string modelDescription() const;  // "" while loading
  std::string precisionNote() const;     // with --bf16: "bf16", or why float32 runs; else ""
  std::string error() const;             // the last failure, "" when fine
  int columns() const;                   // 0 while loading
  double modelFps() const;               // analyses per second over the last few
  uint64_t analysesDone() const;

 private:
  void run();
  void colourAndPublish(uint64_t seq, double ms);

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
  std::string description_;
  std::string precision_;
  std::string error_;
  int columns_ = 0;
  std::vector<double> recent_ms_;
  uint64_t analyses_ = 0;

  // Worker thread only.
  std::optional<RevColModel> model_;
  std::vector<std::string> class_names_;
  std::shared_ptr<const AnalysisResult> analysis_;
  std::thread thread_;
};

}  // namespace revcol::live
