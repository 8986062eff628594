// revcol-cli export --checkpoint CKPT --out DIR [--what overlay,features,errors,raw,cka] [--stride N]
//                   [--start S] [--end S] [--recursive] [--resume] [--shard I/N] [--no-video]
//                   [--quiet] INPUT...
// The analysis of every frame of images, folders, videos and webcams, written under DIR (layout in
// core/include/revcol/export.h). Exit code: 0 all done, 1 something failed (see the manifest),
// 130 stopped by Ctrl-C / SIGTERM (run again with --resume to finish).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <unistd.h>

#include "arguments.h"
#include "commands.h"
#include "usage.h"
#include "model_options.h"
#include "revcol/class_labels.h"
#include "revcol/error.h"
#include "revcol/export.h"
#include "revcol/sha256.h"

namespace revcol::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void onStopSignal(int) {
  g_stop = true;
  const char msg[] = "\nrevcol-cli: stopping after the frames in flight (again to abort; --resume finishes later)\n";
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
}

void installStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  sa.sa_flags = SA_RESETHAND;  // a second signal takes the default action (ends the process)
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

double secondsValue(const Arguments& args, const std::string& name, double fallback) {
  if (!args.has(name)) return fallback;
  const std::string v = args.value(name);
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (end == v.c_str() || *end != '\0' || !(d >= 0) || d > 1e9)
    throw Error(name + " takes seconds >= 0, got '" + v + "'");
  return d;
}

void parseWhat(const std::string& list, ExportOptions& o) {
  o.overlay = o.features = o.errors = o.raw = o.cka = false;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item == "overlay")
      o.overlay = true;
    else if (item == "features")
      o.features = true;
    else if (item == "errors")
      o.errors = true;
    else if (item == "raw")
      o.raw = true;
    else if (item == "cka")
      o.cka = true;
    else
      throw Error("--what takes overlay, features, errors, raw, cka (comma-separated), got '" + item + "'");
  }
  if (!(o.overlay || o.features || o.errors || o.raw || o.cka))
    throw Error("--what needs at least one of overlay, features, errors, raw, cka");
}

void parseShard(const std::string& s, ExportOptions& o) {
  const size_t slash = s.find('/');
  char* end = nullptr;
  bool ok = slash != std::string::npos;
  if (ok) {
    const std::string a = s.substr(0, slash), b = s.substr(slash + 1);
    const long i = std::strtol(a.c_str(), &end, 10);
    ok = !a.empty() && *end == '\0';
    const long n = std::strtol(b.c_str(), &end, 10);
    ok = ok && !b.empty() && *end == '\0' && n >= 1 && n <= 100000 && i >= 0 && i < n;
    o.shard_index = int(i);
    o.shard_count = int(n);
  }
  if (!ok) throw Error("--shard takes I/N with 0 <= I < N (e.g. 0/4 ... 3/4), got '" + s + "'");
}

std::string clock(double s) {
  const long t = long(s + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  return buf;
}

// One line, redrawn in place, at most ~8 times a second.
class ProgressBar {
 public:
  void operator()(const ExportProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(120) && p.frames_done != p.frames_total) return;
    last_ = now;
    std::string bar;
    if (p.frames_total > 0) {
      const int filled = int(24 * std::min<int64_t>(p.frames_done, p.frames_total) / p.frames_total);
      bar = "[" + std::string(size_t(filled), '#') + std::string(size_t(24 - filled), '.') + "] ";
    }
    std::string line = bar + std::to_string(p.frames_done) +
                       (p.frames_total >= 0 ? "/" + std::to_string(p.frames_total) : std::string()) + " frames";
    char buf[96];
    std::snprintf(buf, sizeof buf, "  %.1f fps", p.fps);
    line += buf;
    if (p.eta_s >= 0) line += "  ETA " + clock(p.eta_s);
    if (p.frames_resumed) line += "  (" + std::to_string(p.frames_resumed) + " already done)";
    if (p.failures) line += "  " + std::to_string(p.failures) + " failed";
    std::fprintf(stderr, "\r%-100s", line.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }
  ~ProgressBar() {
    if (drawn_) std::fputc('\n', stderr);
  }

 private:
  std::chrono::steady_clock::time_point last_{};
  bool drawn_ = false;
};

}  // namespace

int runExport(const std::vector<std::string>& argv) {
  Arguments args(
      argv,
      {"--checkpoint", "--out", "--what", "--stride", "--start", "--end", "--shard", "--preprocess", "--size",
       "--device", "--weights", "--labels", "--colormap", "--cell", "--threads", "--model-threads"},
      {"--resume", "--quiet", "--recursive", "--no-video", "--bf16"});
  if (args.positional().empty()) throw Error(usageLine("export"));
  ExportOptions o;
  o.inputs = args.positional();
  o.out_dir = args.required("--out");
  parseWhat(args.value("--what", "overlay,features,errors"), o);
  o.videos = !args.flag("--no-video");
  o.source.stride = args.intValue("--stride", 1, 1, 1000000);
  o.source.start_s = secondsValue(args, "--start", 0.0);
  o.source.end_s = secondsValue(args, "--end", -1.0);
  if (o.source.end_s >= 0 && o.source.end_s <= o.source.start_s) throw Error("--end must be after --start");
  o.source.recursive = args.flag("--recursive");
  o.colormap = colormapFromName(args.value("--colormap", "viridis"));
  o.cell = args.intValue("--cell", 128, 8, 2048);
  o.pipeline.render_threads = args.intValue("--threads", 2, 1, 64);
  o.resume = args.flag("--resume");
  if (args.has("--shard")) parseShard(args.value("--shard"), o);

  const std::string checkpoint = args.required("--checkpoint");
  const InputPreparation prep = inputPreparationFrom(args, checkpoint);
  o.preprocess = prep.preprocess;
  o.preprocess_name = prep.name;
  RevColModel model = RevColModel::load(checkpoint, loadOptionsFrom(args, "--model-threads"));
  o.checkpoint_file = checkpoint;
  o.checkpoint_sha256 = sha256File(checkpoint);
  const Architecture& arch = model.info().architecture;
  if (arch.num_classes > 0) o.class_names = classNamesFor(arch.num_classes, args.value("--labels"));

  installStopHandlers();
  o.stop = &g_stop;
  const bool quiet = args.flag("--quiet");
  const bool bar = !quiet && ::isatty(STDERR_FILENO);
  if (!quiet && !prep.note.empty()) std::printf("%s\n", prep.note.c_str()), std::fflush(stdout);
  ExportSummary s;
  {
    ProgressBar progress;
    s = runBatchExport(model, o,
                       bar ? std::function<void(const ExportProgress&)>(std::ref(progress))
                           : std::function<void(const ExportProgress&)>());
  }
  if (!quiet)
    std::printf("exported %lld frames (%lld already done) to %s in %.1f s; %lld failures; manifest %s\n",
                static_cast<long long>(s.frames_processed), static_cast<long long>(s.frames_resumed), o.out_dir.c_str(),
                s.seconds, static_cast<long long>(s.failures), s.manifest.c_str());
  if (s.failures > 0)
    std::fprintf(stderr, "revcol-cli: %lld item(s) failed; see %s\n", static_cast<long long>(s.failures),
                 s.manifest.c_str());
  if (s.interrupted) return 130;
  return s.failures > 0 ? 1 : 0;
}

}  // namespace revcol::cli
