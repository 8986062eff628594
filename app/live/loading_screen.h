#pragma once
// What the window shows until the first result: what is being loaded, step by step, with how far
// each step is, and the newest input frame once there is one. Render thread.
#include <imgui.h>

#include <string>
#include <vector>

#include "live_worker.h"
#include "texture.h"

namespace revcol::live {

struct LoadingInfo {
  std::string source;      // FrameSource::description()
  uint64_t live_seq = 0;   // 0: no frame yet
  std::string model_file;  // "revcol_fashion_cls.pth" or "RevCol-T, random weights"
  double model_mb = 0;     // the checkpoint's size; 0 for random weights
  std::string summary;     // LiveWorker::modelSummary() once loaded
  LoadingStatus status;
  std::string error;
};

struct LoadingStep {
  std::string text;
  bool done = false;
  bool active = false;
  float fraction = -1;  // of the active step; < 0 when it cannot be measured (shown as elapsed time)
};

// The three steps (source, model, first analysis) and the overall fraction done; pure, for tests.
std::vector<LoadingStep> loadingSteps(const LoadingInfo& info);
float loadingFraction(const std::vector<LoadingStep>& steps);

void drawLoadingScreen(const LoadingInfo& info, const Texture& live, ImFont* large);

}  // namespace revcol::live
