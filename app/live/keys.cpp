#include "keys.h"

#include <GLFW/glfw3.h>

namespace revcol::live {

const std::vector<KeyBinding>& keyBindings() {
  static const std::vector<KeyBinding> table = {
      {GLFW_KEY_M, "M", Action::CycleMode,
       "cycle display mode: mean |activation|, PCA, one channel, reconstruction error"},
      {GLFW_KEY_LEFT_BRACKET, "[", Action::PrevChannel, "previous channel (one-channel mode)"},
      {GLFW_KEY_RIGHT_BRACKET, "]", Action::NextChannel, "next channel (one-channel mode)"},
      {GLFW_KEY_SPACE, "Space", Action::TogglePause, "pause / resume the input"},
      {GLFW_KEY_LEFT, "Left", Action::ColumnLeft, "previous column (shown large)"},
      {GLFW_KEY_RIGHT, "Right", Action::ColumnRight, "next column (shown large)"},
      {GLFW_KEY_UP, "Up", Action::LevelUp, "finer level (c3 -> c0)"},
      {GLFW_KEY_DOWN, "Down", Action::LevelDown, "coarser level (c0 -> c3)"},
      {GLFW_KEY_F, "F", Action::ToggleFullscreen, "toggle full screen"},
      {GLFW_KEY_H, "H", Action::ToggleHelp, "show / hide this help"},
      {GLFW_KEY_F1, "F1", Action::ToggleHelp, "show / hide this help"},
      {GLFW_KEY_ESCAPE, "Esc", Action::Quit, "quit"},
  };
  return table;
}

const KeyBinding* bindingFor(int glfw_key) {
  for (const KeyBinding& b : keyBindings())
    if (b.key == glfw_key) return &b;
  return nullptr;
}

std::vector<std::string> helpLines() {
  std::vector<std::string> lines;
  for (const KeyBinding& b : keyBindings()) lines.push_back(std::string(b.label) + "  -  " + b.what);
  return lines;
}

}  // namespace revcol::live
