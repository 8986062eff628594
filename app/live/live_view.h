#pragma once
// The window's contents: the input on the left with the selected cell large below it, the
// column x level grid on the right, a status line with display and model fps. Render thread only.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app_state.h"
#include "live_worker.h"
#include "texture.h"

namespace revcol::live {

struct FrameStats {
  double display_fps = 0;
  double model_fps = 0;
  std::string source;
  std::string model;      // "" while loading
  std::string precision;  // LiveWorker::precisionNote(), shown beside the model fps
  std::string error;
};

class LiveView {
 public:
  // Uploads a newer input frame or worker result, if any. Returns true once a result is shown.
  bool update(const cv::Mat& input, uint64_t input_seq, const LiveWorker& worker);
  void draw(const AppState& state, const FrameStats& stats);

 private:
  void drawGrid(const AppState& state, float width, float height);
  void drawLarge(const AppState& state, float width, float height);

  Texture input_;
  uint64_t input_seq_ = 0;
  std::vector<std::array<Texture, 4>> cells_;
  std::shared_ptr<const LiveResult> result_;
  uint64_t generation_ = 0;
};

}  // namespace revcol::live
