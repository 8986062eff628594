// revcol-live's keys: the help overlay prints keyBindings(), and the key callback dispatches only
// through it, so "the help lists every key" is "every key is in the table with a line of help".
// Also the start flags that set what the keys change (--mode, --column, --level).
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "app_state.h"
#include "keys.h"
#include "live_options.h"
#include "revcol/error.h"

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

TEST(LiveState, ModeNamesRoundTrip) {
  for (int m = 0; m < kDisplayModeCount; ++m) {
    auto back = modeFromName(modeName(DisplayMode(m)));
    ASSERT_TRUE(back) << modeName(DisplayMode(m));
    EXPECT_EQ(int(*back), m);
    EXPECT_GT(std::string(modeExplanation(DisplayMode(m))).size(), 20u);
  }
  EXPECT_FALSE(modeFromName("Mean"));
  EXPECT_FALSE(modeFromName(""));
}

// --mode, --column, --level (and --channel) set the view at start; a bad value is one line that
// names the flag and the values it takes.
TEST(LiveOptions, StartFlagsSetTheView) {
  std::string msg;
  auto o = parseLiveOptions(
      {"clip.mp4", "--random-tiny", "--mode", "error", "--column", "2", "--level", "c3", "--channel", "7"}, msg);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->mode, DisplayMode::ReconstructionError);
  EXPECT_EQ(o->column, 2);
  EXPECT_EQ(o->level, 3);
  EXPECT_EQ(o->channel, 7);
  auto defaults = parseLiveOptions({"--random-tiny"}, msg);
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->mode, DisplayMode::MeanAbs);
  EXPECT_EQ(defaults->column, 0);
  EXPECT_EQ(defaults->level, 0);
  EXPECT_FALSE(defaults->screenshot_loading);
  EXPECT_EQ(parseLiveOptions({"--random-tiny", "--level", "1"}, msg)->level, 1);
  EXPECT_EQ(parseLiveOptions({"--random-tiny", "--mode", "pca"}, msg)->mode, DisplayMode::Pca);

  auto error_of = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "--random-tiny");
    try {
      parseLiveOptions(args, msg);
    } catch (const revcol::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::pair<std::vector<std::string>, const char*> bad[] = {
      {{"--mode", "heat"}, "--mode expects mean, pca, channel or error, got 'heat'"},
      {{"--level", "4"}, "--level expects 0, 1, 2 or 3 (or c0 to c3), got '4'"},
      {{"--level", "c"}, "--level expects"},
      {{"--column", "-1"}, "--column must be >= 0"},
      {{"--column", "two"}, "--column expects a whole number, got 'two'"},
      {{"--channel", "-3"}, "--channel must be >= 0"},
      {{"--screenshot-at", "end"}, "--screenshot-at expects loading or result, got 'end'"},
      {{"--mode"}, "--mode needs a value"},
  };
  for (const auto& [args, expected] : bad) {
    const std::string e = error_of(args);
    EXPECT_EQ(e.rfind(expected, 0), 0u) << e;
    if (args.size() > 1) {
      EXPECT_EQ(e.find('\n'), std::string::npos) << "not one line: " << e;
    }
  }
}

TEST(LiveOptions, ColumnIsCheckedOnceTheModelIsKnown) {
  std::string msg;
  auto o = parseLiveOptions({"--random-tiny", "--column", "4"}, msg);
  ASSERT_TRUE(o);
  EXPECT_EQ(startColumnError(*o, 0), "");  // still loading: nothing to say yet
  EXPECT_EQ(startColumnError(*o, 5), "");
  EXPECT_EQ(startColumnError(*o, 4), "--column 4: the model has 4 columns, numbered 0 to 3");
}

TEST(LiveOptions, ScreenshotOfTheLoadingScreen) {
  std::string msg;
  auto o = parseLiveOptions({"--random-tiny", "--screenshot", "s.png", "--screenshot-at", "loading"}, msg);
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->screenshot_loading);
  EXPECT_EQ(o->frames, 3);
}
