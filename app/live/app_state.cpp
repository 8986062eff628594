#include "app_state.h"

#include <algorithm>

namespace revcol::live {

const char* toString(DisplayMode mode) {
  switch (mode) {
    case DisplayMode::MeanAbs:
      return "mean |a|";
    case DisplayMode::Pca:
      return "PCA (3 components, basis per level)";
    case DisplayMode::Channel:
      return "one channel";
    case DisplayMode::ReconstructionError:
      return "reconstruction error (column inverted from the next)";
  }
  return "?";
}

void AppState::apply(Action action) {
  switch (action) {
    case Action::CycleMode:
      view.mode = DisplayMode((int(view.mode) + 1) % kDisplayModeCount);
      break;
    case Action::PrevChannel:
      view.channel = std::max(0, view.channel - 1);
      break;
    case Action::NextChannel:
      view.channel += 1;
      break;
    case Action::TogglePause:
      paused = !paused;
      break;
    case Action::ColumnLeft:
      column = std::max(0, column - 1);
      break;
    case Action::ColumnRight:
      column = std::min(std::max(columns, 1) - 1, column + 1);
      break;
    case Action::LevelUp:
      level = std::max(0, level - 1);
      break;
    case Action::LevelDown:
      level = std::min(3, level + 1);
      break;
    case Action::ToggleFullscreen:
      fullscreen = !fullscreen;
      break;
    case Action::ToggleHelp:
      help = !help;
      break;
    case Action::Quit:
      quit = true;
      break;
  }
}

}  // namespace revcol::live
