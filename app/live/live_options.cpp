#include "live_options.h"

#include "revcol/error.h"
#include "revcol/version.h"

namespace revcol::live {

namespace {

const char* kUsage =
    "usage: revcol-live [SOURCE] (--checkpoint CKPT | --random-tiny) [options]\n"
    "  SOURCE                 webcam index (default 0), video file (looped) or image\n"
    "  --checkpoint CKPT      RevCol classification checkpoint (.pth)\n"
    "  --random-tiny          RevCol-T with random weights instead of a checkpoint\n"
    "  --size N               network input side (default: the model card's size, else 224)\n"
    "  --threads N            CPU threads of the model (default 0: the cores not busy elsewhere)\n"
    "  --bf16                 MLPs in bfloat16 (faster where the CPU has it, ~1e-2 drift)\n"
    "  --mode MODE            start in mode mean, pca, channel or error (M cycles; default mean)\n"
    "  --channel N            the channel of mode channel (default 0; [ and ] change it)\n"
    "  --column N             the column shown large, 0 = first (default 0; Left/Right change it)\n"
    "  --level L              the level shown large, 0-3 or c0-c3 (default 0; Up/Down change it)\n"
    "  --fullscreen           start full screen (F toggles)\n"
    "  --show-help            start with the key help shown (H / F1 toggles)\n"
    "  --window W H           window size (default 1600 900)\n"
    "  --font-size PX         text size (default: window height / 32)\n"
    "  --max-fps F            display frame cap (default 60)\n"
    "  --frames N             render N frames after the first result, then exit\n"
    "  --screenshot FILE      save the last frame as PNG and exit (after --frames, default 3)\n"
    "  --screenshot-at WHEN   result (default: count --frames from the first result) or loading\n"
    "                         (count from the window's first frame: the loading screen)\n"
    "  --report-fps           print the measured display and model fps at exit\n"
    "  --version, --help\n";

int toInt(const std::string& flag, const std::string& v) {
  try {
    size_t used = 0;
    int n = std::stoi(v, &used);
    if (used == v.size()) return n;
  } catch (const std::exception&) {
  }
  throw Error(flag + " expects a whole number, got '" + v + "'");
}

// "2" or "c2" -> 2; levels are c0..c3 in every RevCol.
int toLevel(const std::string& v) {
  const std::string digits = v.size() == 2 && (v[0] == 'c' || v[0] == 'C') ? v.substr(1) : v;
  if (digits.size() == 1 && digits[0] >= '0' && digits[0] <= '3') return digits[0] - '0';
  throw Error("--level expects 0, 1, 2 or 3 (or c0 to c3), got '" + v + "'");
}

}  // namespace

std::optional<LiveOptions> parseLiveOptions(const std::vector<std::string>& args, std::string& exit_message) {
  LiveOptions o;
  bool have_source = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw Error(a + " needs a value\n" + kUsage);
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      exit_message = kUsage;
      return std::nullopt;
    } else if (a == "--version") {
      exit_message = versionString() + "\n";
      return std::nullopt;
    } else if (a == "--checkpoint") {
      o.checkpoint = value();
    } else if (a == "--random-tiny") {
      o.random_tiny = true;
    } else if (a == "--size") {
      o.input_size = toInt(a, value());
      if (o.input_size < 32 || o.input_size > 2048) throw Error("--size must be between 32 and 2048");
    } else if (a == "--threads") {
      o.threads = toInt(a, value());
    } else if (a == "--bf16") {
      o.bf16 = true;
    } else if (a == "--mode") {
      const std::string& v = value();
      std::optional<DisplayMode> mode = modeFromName(v);
      if (!mode) throw Error("--mode expects mean, pca, channel or error, got '" + v + "'");
      o.mode = *mode;
    } else if (a == "--channel") {
      o.channel = toInt(a, value());
      if (o.channel < 0) throw Error("--channel must be >= 0 (the first channel is 0)");
    } else if (a == "--column") {
      o.column = toInt(a, value());
      if (o.column < 0) throw Error("--column must be >= 0 (the first column is 0)");
    } else if (a == "--level") {
      o.level = toLevel(value());
    } else if (a == "--fullscreen") {
      o.fullscreen = true;
    } else if (a == "--show-help") {
      o.show_help = true;
    } else if (a == "--window") {
      o.width = toInt(a, value());
      o.height = toInt(a, value());
    } else if (a == "--font-size") {
      o.font_px = float(toInt(a, value()));
    } else if (a == "--max-fps") {
      o.max_fps = toInt(a, value());
    } else if (a == "--frames") {
      o.frames = toInt(a, value());
    } else if (a == "--screenshot") {
      o.screenshot = value();
    } else if (a == "--screenshot-at") {
      const std::string& v = value();
      if (v != "loading" && v != "result") throw Error("--screenshot-at expects loading or result, got '" + v + "'");
      o.screenshot_loading = v == "loading";
    } else if (a == "--report-fps") {
      o.report_fps = true;
    } else if (!a.empty() && a[0] == '-' && a.size() > 1) {
      throw Error("unknown option " + a + "\n" + kUsage);
    } else if (!have_source) {
      o.source = a;
      have_source = true;
    } else {
      throw Error("more than one source given ('" + o.source + "', '" + a + "')");
    }
  }
  if (o.checkpoint.empty() == !o.random_tiny)
    throw Error("give exactly one of --checkpoint CKPT and --random-tiny\n" + std::string(kUsage));
  if (o.width < 320 || o.height < 240) throw Error("--window must be at least 320 x 240");
  if (o.frames < 0) throw Error("--frames must be >= 0");
  if (o.threads < 0 || o.threads > 1024) throw Error("--threads must be between 0 (auto) and 1024");
  if (o.max_fps < 1) throw Error("--max-fps must be >= 1");
  if (!o.screenshot.empty() && o.frames == 0) o.frames = 3;
  return o;
}

std::string startColumnError(const LiveOptions& options, int columns) {
  if (columns <= 0 || options.column < columns) return "";
  return "--column " + std::to_string(options.column) + ": the model has " + std::to_string(columns) +
         " columns, numbered 0 to " + std::to_string(columns - 1);
}

}  // namespace revcol::live
