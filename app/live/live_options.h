#pragma once
// revcol-live's command line.
#include <optional>
#include <string>
#include <vector>

#include "app_state.h"

namespace revcol::live {

struct LiveOptions {
  std::string source = "0";  // webcam index, video file or image
  std::string checkpoint;
  bool random_tiny = false;
  int input_size = 0;      // 0: the size a model card beside the checkpoint names (warped), else 224
  int threads = 0;         // CPU threads of the model; 0 = the physical cores not busy elsewhere
  bool bf16 = false;       // the backbone's MLPs in bfloat16 (RevCol-T: 1.7-1.8x faster on AMX here, README)
  std::string screenshot;  // save the framebuffer after `frames` frames, then exit
  int frames = 0;          // 0 = run until Esc; counted from the first frame that shows a result
  // Count `frames` from the window's first frame instead: a screenshot of the loading screen.
  bool screenshot_loading = false;
  // The view at start (keys change it later). `column` is checked against the model once it is
  // loaded: the number of columns is not known before.
  DisplayMode mode = DisplayMode::MeanAbs;
  int channel = 0;
  int column = 0;
  int level = 0;
  bool report_fps = false;
  bool fullscreen = false;
  bool show_help = false;
  int width = 1600;
  int height = 900;
  float font_px = 0;    // 0 = from the window height
  double max_fps = 60;  // the render loop sleeps off what is left of 1 / max_fps
};

// Parses argv (without the program name). Returns nothing and fills `exit_message` for --help and
// --version (exit 0); throws revcol::Error on a bad argument.
std::optional<LiveOptions> parseLiveOptions(const std::vector<std::string>& args, std::string& exit_message);

// The one-line complaint about --column once the model's column count is known ("" when fine).
std::string startColumnError(const LiveOptions& options, int columns);

}  // namespace revcol::live
