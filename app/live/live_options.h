#pragma once
// revcol-live's command line.
#include <optional>
#include <string>
#include <vector>

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

}  // namespace revcol::live
