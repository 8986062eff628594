// revcol-live: RevCol's columns on a projector. A render loop (this thread) that never waits on
// the model; a capture thread (FrameSource) and a model thread (LiveWorker) feed it.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <thread>

#include "app_state.h"
#include "frame_source.h"
#include "help_overlay.h"
#include "keys.h"
#include "live_loop.h"
#include "live_options.h"
#include "live_view.h"
#include "live_worker.h"
#include "model_summary.h"
#include "view_content.h"
#include "revcol/error.h"
#include "revcol/image_io.h"
#include "texture.h"

namespace {

using namespace revcol::live;
using Clock = std::chrono::steady_clock;

// Key presses land here from GLFW (chained after ImGui's own callback).
AppState* g_state = nullptr;

void onKey(GLFWwindow*, int key, int, int action, int) {
  if (action == GLFW_RELEASE || !g_state) return;
  const KeyBinding* b = bindingFor(key);
  if (!b) return;
  // Holding an arrow key steps on; every other key acts once per press.
  bool repeatable = b->action == Action::ColumnLeft || b->action == Action::ColumnRight ||
                    b->action == Action::LevelUp || b->action == Action::LevelDown ||
                    b->action == Action::PrevChannel || b->action == Action::NextChannel;
  if (action == GLFW_REPEAT && !repeatable) return;
  g_state->apply(b->action);
}

void setFullscreen(GLFWwindow* window, bool on, int& saved_x, int& saved_y, int& saved_w, int& saved_h) {
  if (on == (glfwGetWindowMonitor(window) != nullptr)) return;
  if (on) {
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    if (!monitor) return;
    const GLFWvidmode* mode = glfwGetVideoMode(monitor);
    glfwGetWindowPos(window, &saved_x, &saved_y);
    glfwGetWindowSize(window, &saved_w, &saved_h);
    glfwSetWindowMonitor(window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
  } else {
    glfwSetWindowMonitor(window, nullptr, saved_x, saved_y, saved_w, saved_h, 0);
  }
}

// The text font and a 1.5x one for titles and the prediction bars (read from the back of a room).
// Returns the large one.
ImFont* loadFonts(float px) {
  ImGuiIO& io = ImGui::GetIO();
  // Latin-1 plus the few signs the view writes (en dash, ellipsis, minus).
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x2013, 0x2014, 0x2026, 0x2026, 0x2212, 0x2212, 0};
  const char* path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (std::filesystem::exists(path) && io.Fonts->AddFontFromFileTTF(path, px, nullptr, ranges))
    return io.Fonts->AddFontFromFileTTF(path, px * 1.5f, nullptr, ranges);
  io.Fonts->AddFontDefault();  // 13 px bitmap font: scale it up
  io.FontGlobalScale = px / 13.0f;
  return nullptr;
}

// What the loading screen and the header say about the model file.
void describeModelFile(const LiveOptions& opt, LoadingInfo& info) {
  if (opt.random_tiny) {
    info.model_file = "RevCol-T, random weights";
    return;
  }
  info.model_file = std::filesystem::path(opt.checkpoint).filename().string();
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(opt.checkpoint, ec);
  if (!ec) info.model_mb = double(bytes) / 1e6;
}

int run(const LiveOptions& opt) {
  FrameSource source(opt.source);
  LiveWorker worker({opt.checkpoint, opt.random_tiny, opt.input_size, opt.threads, opt.bf16});

  glfwSetErrorCallback(
      [](int code, const char* text) { std::fprintf(stderr, "revcol-live: GLFW %d: %s\n", code, text); });
  if (!glfwInit()) throw revcol::Error("cannot open a window (no display? run under xvfb-run for tests)");
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  GLFWwindow* window = glfwCreateWindow(opt.width, opt.height, "RevCol live", nullptr, nullptr);
  if (!window) {
    glfwTerminate();
    throw revcol::Error("cannot create an OpenGL 3.3 window");
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);

  AppState state;
  state.help = opt.show_help;
  state.fullscreen = opt.fullscreen;
  state.view.mode = opt.mode;
  state.view.channel = opt.channel;
  state.column = opt.column;
  state.level = opt.level;
  g_state = &state;
  glfwSetKeyCallback(window, onKey);  // before ImGui, which chains to it

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::StyleColorsDark();
  ImFont* large_font = loadFonts(opt.font_px > 0 ? opt.font_px : std::clamp(float(opt.height) / 32.0f, 16.0f, 64.0f));
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330");

  int saved[4] = {100, 100, opt.width, opt.height};
  LiveView view(large_font);
  ViewContent content;
  LoadingInfo model_file;
  describeModelFile(opt, model_file);
  bool column_checked = false;
  std::deque<Clock::time_point> recent;  // frame times of the last second, for the fps shown
  long long counted_frames = 0;          // frames since the first result, for --frames / --report-fps
  Clock::time_point first_result_at{};
  double worst_window_fps = 1e9;
  Clock::time_point window_start{};
  long long window_frames = 0;
  uint64_t analyses_at_start = 0;
  const auto started = Clock::now();
  const auto frame_budget = std::chrono::duration<double>(1.0 / opt.max_fps);
  int exit_code = 0;

  while (!glfwWindowShouldClose(window) && !state.quit) {
    const auto frame_start = Clock::now();
    glfwPollEvents();
    setFullscreen(window, state.fullscreen, saved[0], saved[1], saved[2], saved[3]);
    state.columns = std::max(1, worker.columns());
    if (!column_checked && worker.columns() > 0) {
      column_checked = true;
      const std::string bad = startColumnError(opt, worker.columns());
      if (!bad.empty()) {
        std::fprintf(stderr, "revcol-live: %s\n", bad.c_str());
        exit_code = 1;
        break;
      }
    }

    worker.setView(state.view);
    const bool has_result = view.update(content, pumpFrames(source, worker, state.paused, content));

    recent.push_back(frame_start);
    while (recent.size() > 1 && frame_start - recent.front() > std::chrono::seconds(1)) recent.pop_front();
    FrameStats stats;
    if (recent.size() > 1)
      stats.display_fps =
          double(recent.size() - 1) / std::chrono::duration<double>(recent.back() - recent.front()).count();
    stats.model_fps = worker.modelFps();
    stats.precision = worker.precisionNote();
    stats.model_weights = model_file.model_file + ", " + weightCount(worker.parameters());
    LoadingInfo& info = stats.loading;
    info.model_file = model_file.model_file;
    info.model_mb = model_file.model_mb;
    info.source = source.description();
    info.live_seq = content.liveSeq();
    info.summary = worker.modelSummary();
    info.status = worker.loading();
    info.error = worker.error();

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    view.draw(content, state, stats);
    if (state.help) drawHelpOverlay();
    ImGui::Render();
    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(window, &fb_w, &fb_h);
    glViewport(0, 0, fb_w, fb_h);
    glClearColor(0.08f, 0.08f, 0.09f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    // --screenshot-at loading counts from the first frame, so the picture shows the loading screen.
    if (has_result || opt.screenshot_loading) {
      if (counted_frames == 0) {
        first_result_at = window_start = frame_start;
        analyses_at_start = worker.analysesDone();
      }
      ++counted_frames;
      ++window_frames;
      double window_s = std::chrono::duration<double>(frame_start - window_start).count();
      if (window_s >= 1.0) {  // whole one-second windows: the worst of them is the figure that matters
        worst_window_fps = std::min(worst_window_fps, double(window_frames - 1) / window_s);
        window_start = frame_start;
        window_frames = 1;
      }
    } else if (opt.frames > 0 && !info.error.empty() && worker.columns() == 0) {
      std::fprintf(stderr, "revcol-live: %s\n", info.error.c_str());
      exit_code = 1;
      break;
    } else if (opt.frames > 0 && Clock::now() - started > std::chrono::minutes(5)) {
      std::fprintf(stderr, "revcol-live: no result after 5 minutes\n");
      exit_code = 1;
      break;
    }
    const bool last = opt.frames > 0 && counted_frames >= opt.frames;
    if (last && !opt.screenshot.empty()) revcol::saveImageAtomic(opt.screenshot, readFramebuffer(fb_w, fb_h));
    glfwSwapBuffers(window);
    if (last) break;
    // No vsync under Xvfb or with some drivers: cap the loop so it leaves the CPU to the model.
    auto spent = Clock::now() - frame_start;
    if (spent < frame_budget) std::this_thread::sleep_for(frame_budget - spent);
  }

  if (opt.report_fps && counted_frames > 1) {
    double s = std::chrono::duration<double>(Clock::now() - first_result_at).count();
    uint64_t analyses = worker.analysesDone() - analyses_at_start;
    std::printf(
        "display fps: mean %.1f, worst 1 s window %.1f (%lld frames in %.1f s); model fps %.2f (%llu analyses)\n",
        double(counted_frames - 1) / s, worst_window_fps > 1e8 ? double(counted_frames - 1) / s : worst_window_fps,
        counted_frames, s, double(analyses) / s, (unsigned long long)analyses);
  }

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  g_state = nullptr;
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string message;
    auto options = parseLiveOptions(std::vector<std::string>(argv + 1, argv + argc), message);
    if (!options) {
      std::fputs(message.c_str(), stdout);
      return 0;
    }
    return run(*options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "revcol-live: %s\n", e.what());
    return 1;
  }
}
