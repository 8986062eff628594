// revcol-live's keys: the help overlay prints keyBindings(), and the key callback dispatches only
// through it, so "the help lists every key" is "every key is in the table with a line of help".
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include <set>

#include "app_state.h"
#include "keys.h"

using namespace revcol::live;

TEST(LiveKeys, TheIssueKeysAreBound) {
  const std::pair<int, Action> required[] = {
      {GLFW_KEY_M, Action::CycleMode},        {GLFW_KEY_SPACE, Action::TogglePause},
      {GLFW_KEY_LEFT, Action::ColumnLeft},    {GLFW_KEY_RIGHT, Action::ColumnRight},
      {GLFW_KEY_UP, Action::LevelUp},         {GLFW_KEY_DOWN, Action::LevelDown},
      {GLFW_KEY_F, Action::ToggleFullscreen}, {GLFW_KEY_H, Action::ToggleHelp},
      {GLFW_KEY_F1, Action::ToggleHelp},      {GLFW_KEY_ESCAPE, Action::Quit},
  };
  for (auto [key, action] : required) {
    const KeyBinding* b = bindingFor(key);
    ASSERT_NE(b, nullptr) << "key " << key;
    EXPECT_EQ(b->action, action) << b->label;
  }
  EXPECT_EQ(bindingFor(GLFW_KEY_Q), nullptr);
}

TEST(LiveKeys, HelpListsEveryBindingOnce) {
  const auto& table = keyBindings();
  const auto lines = helpLines();
  ASSERT_EQ(lines.size(), table.size());
  std::set<int> keys;
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_TRUE(keys.insert(table[i].key).second) << table[i].label << " bound twice";
    EXPECT_EQ(lines[i].rfind(table[i].label, 0), 0u) << lines[i];
    EXPECT_NE(lines[i].find(table[i].what), std::string::npos) << lines[i];
    EXPECT_GT(std::string(table[i].what).size(), 3u) << table[i].label;
  }
}

TEST(LiveKeys, EveryActionHasAKey) {
  std::set<Action> bound;
  for (const KeyBinding& b : keyBindings()) bound.insert(b.action);
  for (int a = 0; a <= int(Action::Quit); ++a) EXPECT_TRUE(bound.count(Action(a))) << "action " << a << " has no key";
}

TEST(LiveState, KeysChangeTheState) {
  AppState s;
  s.columns = 4;
  for (int i = 0; i < kDisplayModeCount; ++i) {
    EXPECT_EQ(int(s.view.mode), i);
    s.apply(Action::CycleMode);
  }
  EXPECT_EQ(s.view.mode, DisplayMode::MeanAbs);
  s.apply(Action::ColumnLeft);
  EXPECT_EQ(s.column, 0);
  for (int i = 0; i < 10; ++i) s.apply(Action::ColumnRight);
  EXPECT_EQ(s.column, 3);
  for (int i = 0; i < 10; ++i) s.apply(Action::LevelDown);
  EXPECT_EQ(s.level, 3);
  s.apply(Action::LevelUp);
  EXPECT_EQ(s.level, 2);
  s.apply(Action::PrevChannel);
  EXPECT_EQ(s.view.channel, 0);
  s.apply(Action::NextChannel);
  EXPECT_EQ(s.view.channel, 1);
  s.apply(Action::TogglePause);
  s.apply(Action::ToggleHelp);
  s.apply(Action::ToggleFullscreen);
  EXPECT_TRUE(s.paused && s.help && s.fullscreen);
  EXPECT_FALSE(s.quit);
  s.apply(Action::Quit);
  EXPECT_TRUE(s.quit);
}
