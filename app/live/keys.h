#pragma once
// Every key revcol-live answers to, as data: the key callback dispatches through this table and the
// help overlay prints it, so a key cannot work without being listed (tests/live_keys_test.cpp).
#include <string>
#include <vector>

namespace revcol::live {

enum class Action {
  CycleMode,  // mean |a| -> PCA -> one channel -> reconstruction error -> mean |a|
  PrevChannel,
  NextChannel,
  TogglePause,
  ColumnLeft,
  ColumnRight,
  LevelUp,
  LevelDown,
  ToggleFullscreen,
  ToggleHelp,
  Quit,
};

struct KeyBinding {
  int key;            // GLFW_KEY_*
  const char* label;  // as printed in the help overlay
  Action action;
  const char* what;
};

// The table, in the order the help overlay lists it.
const std::vector<KeyBinding>& keyBindings();

// The binding of a GLFW key, or nullptr when the key does nothing.
const KeyBinding* bindingFor(int glfw_key);

// The help overlay's lines, one per binding: "M  -  cycle display mode ...".
std::vector<std::string> helpLines();

}  // namespace revcol::live
