#pragma once
// The window's contents: the loading screen until the first result; then the analysed input with
// the newest frame in a small "live" inset and the selected cell large (left), the column x level
// grid with a colour bar per row (middle), every head's prediction as bars and what the colours
// mean (right), under a header in plain words. Render thread only.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "app_state.h"
#include "layout.h"
#include "loading_screen.h"
#include "texture.h"
#include "view_content.h"

struct ImFont;

namespace revcol::live {

struct FrameStats {
  double display_fps = 0;
  double model_fps = 0;
  LoadingInfo loading;        // source, model file, summary, status, error
  std::string precision;      // LiveWorker::precisionNote(), shown beside the model fps
  std::string model_weights;  // "revcol_fashion_cls.pth, 2.5 million weights"
};

class LiveView {
 public:
  // `large`: a bigger font for the prediction bars and titles (nullptr: the default font).
  explicit LiveView(ImFont* large) : large_(large) {}

  // Uploads what `changes` says changed in `content`: the inset, or the input and the cells of a
  // new result together (one result, one frame). Returns true once a result is shown.
  bool update(const ViewContent& content, ViewContent::Changes changes);
  void draw(const ViewContent& content, const AppState& state, const FrameStats& stats);

  // The layout at the current window and font size.
  static LiveLayout layoutFor(float width, float height, int columns);

 private:
  void drawHeader(const LiveLayout& L, const ViewContent& content, const AppState& state, const FrameStats& stats);
  void drawLeft(const LiveLayout& L, const ViewContent& content, const AppState& state);
  void drawRight(const LiveLayout& L, const ViewContent& content);

  ImFont* large_ = nullptr;
  Texture input_;  // the analysed frame: always the frame of the cells below
  Texture live_;   // the newest source frame (inset; the loading screen's preview)
  std::vector<std::array<Texture, 4>> cells_;
};

}  // namespace revcol::live
