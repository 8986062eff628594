#pragma once
// What the viewer shows, changed only by key actions on the render thread. The worker reads a copy
// (ViewSettings) when it colours a result, so nothing here is shared between threads.
#include <optional>
#include <string>

#include "keys.h"

namespace revcol::live {

enum class DisplayMode { MeanAbs, Pca, Channel, ReconstructionError };
constexpr int kDisplayModeCount = 4;
// The words shown in the window: "mean |activation|", ...
const char* toString(DisplayMode mode);
// What the colours of a mode mean, in a sentence or two for the window's key.
const char* modeExplanation(DisplayMode mode);
// The short name of --mode (the studio's --explorer-mode words where they exist): "mean", "pca",
// "channel", "error".
const char* modeName(DisplayMode mode);
// The mode named by modeName(), or nothing.
std::optional<DisplayMode> modeFromName(const std::string& name);

// What the worker needs to turn an analysis into images.
struct ViewSettings {
  DisplayMode mode = DisplayMode::MeanAbs;
  int channel = 0;  // Channel mode; clamped per level to that level's channel count
  bool operator==(const ViewSettings& o) const { return mode == o.mode && channel == o.channel; }
  bool operator!=(const ViewSettings& o) const { return !(*this == o); }
};

struct AppState {
  ViewSettings view;
  int column = 0;  // selected cell, shown large
  int level = 0;
  int columns = 1;  // of the loaded model (for clamping the selection)
  bool paused = false;
  bool help = false;
  bool fullscreen = false;
  bool quit = false;

  // Applies one key action. Fullscreen only flips the flag; the window follows it.
  void apply(Action action);
};

}  // namespace revcol::live
