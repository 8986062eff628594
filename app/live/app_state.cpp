#include "app_state.h"

#include <algorithm>

namespace revcol::live {

const char* toString(DisplayMode mode) {
  switch (mode) {
    case DisplayMode::MeanAbs:
      return "mean |activation|";
    case DisplayMode::Pca:
      return "main patterns (PCA: 3 components as red, green, blue)";
    case DisplayMode::Channel:
      return "one channel";
    case DisplayMode::ReconstructionError:
      return "reconstruction error (each column recovered from the next)";
  }
  return "?";
}

const char* modeExplanation(DisplayMode mode) {
  switch (mode) {
    case DisplayMode::MeanAbs:
      return "Bright = strong response: the mean |activation| over a level's channels. One scale per row "
             "(its bar at the row's end), so columns compare.";
    case DisplayMode::Pca:
      return "Red, green, blue = the three strongest patterns of a level (one PCA basis for all columns): "
             "the same colour means similar features.";
    case DisplayMode::Channel:
      return "One channel's value (the keys [ and ] pick the channel). One scale per row, so columns compare.";
    case DisplayMode::ReconstructionError:
      return "Each column is recovered from the next by running it backwards. Colour: error per pixel "
             "(log scale); number: relative error of the level. The last column has no next column.";
  }
  return "";
}

const char* modeName(DisplayMode mode) {
  switch (mode) {
    case DisplayMode::MeanAbs:
      return "mean";
    case DisplayMode::Pca:
      return "pca";
    case DisplayMode::Channel:
      return "channel";
    case DisplayMode::ReconstructionError:
      return "error";
  }
  return "?";
}

std::optional<DisplayMode> modeFromName(const std::string& name) {
  for (int m = 0; m < kDisplayModeCount; ++m)
    if (name == modeName(DisplayMode(m))) return DisplayMode(m);
  return std::nullopt;
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
