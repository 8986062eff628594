// revcol-bench: RevCol-T (random weights), batch 1, float32 on the CPU, against the official-style
// PyTorch eager code (tests/bench/official_style_revcol.py) in the same run. Prints one table:
// GEMM peak, official eager (default malloc / tuned malloc / default malloc with OpenBLAS pinned to
// Haswell; python3-torch's default thread count, and once on every core; model(x) with its image
// decoders), our plain and fast paths (also with the decoders), % of peak, the analysis pass, two
// in-process A/B pairs of the fast path's choices (the MLPs' GELU form, the kernel of products of
// few rows, float32 products on AMX tiles), the detection-resolution backbone, peak RSS and RSS over many frames.
// Not a test: run by hand (tests/bench/speed_bench.sh runs it with the usual arguments).
//   revcol-bench [--reps N] [--threads N] [--official SCRIPT] [--python PATH] [--det-reps N]
//                [--frames N] [--rounds N] [--no-det] [--no-plain] [--memory]
// --memory: only the memory rows, in a process that holds nothing but the one model (run it
// separately: the timing run holds several models, which would count in its RSS).
// Order matters: the "plain, before" row runs first, before any model load has applied mallopt and
// the thread setting (they are process-wide and cannot be undone).
// The rows behind the targets (official default and tuned, official default with OpenBLAS pinned
// to Haswell, our fast path, analysis pass, bf16, and our fast path on one thread) run
// in --rounds interleaved rounds, and each ratio is the median of its per-round ratios: this
// guest's speed drifts by up to 2x within minutes (other guests on the host), and with the official
// rows all measured first and ours after, a drift between the two blocks biased the ratios.
#include <revcol/model.h>

#include "analysis_pass.h"
#include "nn/cpu_runtime.h"
#include "nn/onednn.h"
#include "nn/fast_gelu.h"
#include "nn/fast_revcol.h"
#include "nn/small_rows_product.h"
#include "nn/split_bf16_product.h"
#include "nn/weights.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

struct Options {
  int reps = 7, det_reps = 3, threads = 0, frames = 1000, rounds = 3;
  std::string official, python = "/usr/bin/python3";
  bool det = true, plain = true, memory = false;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--reps")
      o.reps = std::max(1, std::stoi(next()));
    else if (a == "--det-reps")
      o.det_reps = std::max(1, std::stoi(next()));
    else if (a == "--threads")
      o.threads = std::max(0, std::stoi(next()));
    else if (a == "--rounds")
      o.rounds = std::max(1, std::stoi(next()));
    else if (a == "--frames")
      o.frames = std::max(100, std::stoi(next()));
    else if (a == "--official")
      o.official = next();
    else if (a == "--python")
      o.python = next();
    else if (a == "--no-det")
      o.det = false;
    else if (a == "--no-plain")
      o.plain = false;
    else if (a == "--memory")
      o.memory = true;
    else
      throw std::runtime_error("unknown option " + a);
  }
  return o;
}

double msOnce(const std::function<void()>& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double medianMs(int reps, const std::function<void()>& fn) {
  fn();  // warm-up: allocator, OpenMP pool, oneDNN primitives
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) ms.push_back(msOnce(fn));
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// "VmHWM" (peak) or "VmRSS" (current) of this process in MiB.
double statusMiB(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::atof(line.c_str() + key.size() + 1) / 1024.0;
  return 0;
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so that a peak belongs to one phase.
void resetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

std::string firstLine(const std::string& path, const std::string& key = {}) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (key.empty() || line.rfind(key, 0) == 0) return key.empty() ? line : line.substr(line.find(':') + 2);
  return "?";
}

// Floating-point operations of a RevCol backbone at H x W (multiply-add = 2): convolutions,
// Linear layers and the fusion paths; normalisation and elementwise work are not counted.
double backboneFlops(const revcol::Architecture& a, int64_t h, int64_t w) {
  auto hw = [&](int l) { return double(h / (4 << l)) * double(w / (4 << l)); };
  double f = 2.0 * 48 * a.channels[0] * hw(0);  // stem
  for (int col = 0; col < a.columns; ++col)
    for (int l = 0; l < 4; ++l) {
      const double c = double(a.channels[l]);
      if (l > 0) f += 2.0 * 4 * double(a.channels[l - 1]) * c * hw(l);             // down, 2x2/2
      if (col > 0 && l < 3) f += 2.0 * double(a.channels[l + 1]) * c * hw(l + 1);  // up, Linear
      f += double(a.layers[l]) * (2.0 * a.kernel_size * a.kernel_size * c + 2.0 * 8 * c * c) * hw(l);
    }
  return f;
}

revcol::FloatArray randomImage(int64_t h, int64_t w) {
  revcol::FloatArray image;
  image.shape = {3, h, w};
  image.values.resize(size_t(3 * h * w));
  std::mt19937 rng(0);
  std::normal_distribution<float> normal;
  for (float& v : image.values) v = normal(rng);
  return image;
}

// The environment words of the official-style runs: none (glibc's default malloc, the environment's
// OpenBLAS kernel), the tuned allocator of the issue, and OpenBLAS pinned to its AVX2 (Haswell)
// kernel as the machine the figures came from was set up (some machines here set
// OPENBLAS_CORETYPE; where nothing is set, OpenBLAS picks its own kernel: SkylakeX on README's
// machine). Set for that one command only, never in tests.
const std::string kDefaultMalloc;
const std::string kTunedMalloc =
    "GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=1073741824";
const std::string kHaswellBlas = "OPENBLAS_CORETYPE=Haswell";

// Runs the official-style script with `environment` (VAR=value words) and returns its median_ms
// (negative when it failed). threads 0: python3-torch's default (1 intra-op thread here).
double official(const Options& o, const std::string& environment, const std::string& what, int64_t h, int64_t w,
                int reps, int threads = 0) {
  if (o.official.empty()) return -1;
  std::string cmd = environment + (environment.empty() ? "" : " ") + o.python + " " + o.official + " --what " + what +
                    " --height " + std::to_string(h) + " --width " + std::to_string(w) + " --reps " +
                    std::to_string(reps) + (threads > 0 ? " --threads " + std::to_string(threads) : "");
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[512];
  std::string out;
  while (fgets(buf, sizeof buf, p)) out += buf;
  if (pclose(p) != 0) return -1;
  auto at = out.find("median_ms=");
  return at == std::string::npos ? -1 : std::atof(out.c_str() + at + 10);
}

void row(const char* name, double ms, const char* note = "") {
  if (ms < 0)
    std::printf("  %-46s %10s  %s\n", name, "n/a", note);
  else
    std::printf("  %-46s %10.1f  %s\n", name, ms, note);
}

// A ratio line; n/a where either figure is missing (a row that did not run).
void ratio(const char* name, double numerator, double denominator, const char* unit_and_target,
           const std::string& note = "") {
  if (numerator < 0 || denominator <= 0)
    std::printf("  %-40s: %6s\n", name, "n/a");
  else
    std::printf("  %-40s: %6.2f%s%s\n", name, numerator / denominator, unit_and_target, note.c_str());
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// A figure measured once per interleaved round (ms; negative: that round could not run it).
struct Rounds {
  std::vector<double> ms;
  void add(double v) { ms.push_back(v); }
  bool missing() const {
    return ms.empty() || std::any_of(ms.begin(), ms.end(), [](double v) { return v < 0; });
  }
  double median() const { return missing() ? -1 : ::median(ms); }
};

std::string listed(const std::vector<double>& values, const char* format) {
  std::string out;
  char buf[32];
  for (double v : values) {
    std::snprintf(buf, sizeof buf, format, v);
    out += (out.empty() ? "" : " / ") + std::string(buf);
  }
  return out;
}

void row(const char* name, const Rounds& r, const char* note = "") {
  row(name, r.median(), (std::string(note) + (r.missing() ? "" : "  rounds: " + listed(r.ms, "%.1f"))).c_str());
}

// The median of the per-round ratios (both figures measured in the same round).
void ratio(const char* name, const Rounds& numerator, const Rounds& denominator, const char* unit_and_target) {
  if (numerator.missing() || denominator.missing() || numerator.ms.size() != denominator.ms.size()) {
    ratio(name, -1, 1, unit_and_target);
    return;
  }
  std::vector<double> each;
  for (size_t i = 0; i < numerator.ms.size(); ++i) each.push_back(numerator.ms[i] / denominator.ms[i]);
  const double m = median(each);
  ratio(name, m, 1, unit_and_target, "  rounds: " + listed(each, "%.2f"));
}

struct Form {
  const char* label;
  std::function<void()> run;
};

// Two forms of one computation timed in alternating pairs (either first in half the pairs): they
// are a few % apart, and separate runs on this host drift by more. Prints both medians and the
// median of the per-pair ratios b / a.
void alternatingPairs(const char* title, int pairs, const Form& a, const Form& b, const char* ratio_name) {
  msOnce(a.run), msOnce(b.run);  // warm-up: primitives, packed weights
  std::vector<double> a_ms, b_ms, each;
  for (int i = 0; i < pairs; ++i) {
    double ta = 0, tb = 0;
    if (i % 2) {
      ta = msOnce(a.run), tb = msOnce(b.run);
    } else {
      tb = msOnce(b.run), ta = msOnce(a.run);
    }
    a_ms.push_back(ta), b_ms.push_back(tb), each.push_back(tb / ta);
  }
  std::printf("\n  %-46s %10s\n", title, "ms/image");
  row(a.label, median(a_ms));
  row(b.label, median(b_ms));
  ratio(ratio_name, median(each), 1, ("x  (median of " + std::to_string(pairs) + " alternating pairs)").c_str());
}

// Peak RSS of one analysis pass at 224 x 224 and 800 x 1216 (process peak, model included), and
// RSS after 100 and after `frames` analyses at 64 x 64.
void memoryRows(const Options& o) {
  revcol::LoadOptions load;
  load.threads = o.threads;
  auto model = revcol::RevColModel::random(revcol::revcolTiny(), 0, load);
  const double loaded = statusMiB("VmRSS");
  const auto analysis = revcol::bench::analysisPass();
  std::printf("\n  memory (RevCol-T, fast path, analysis pass = features of every column + step reconstruction)\n");
  std::printf("  RSS with the model loaded                   : %7.0f MiB\n", loaded);
  for (auto [h, w] : {std::pair<int64_t, int64_t>{224, 224}, {800, 1216}}) {
    const auto image = randomImage(h, w);
    resetPeakRss();
    model.analyze(image, analysis);
    model.analyze(image, analysis);
    std::printf("  peak RSS, analysis pass at %4lld x %-4lld       : %7.0f MiB\n", static_cast<long long>(h),
                static_cast<long long>(w), statusMiB("VmHWM"));
  }
  const auto small = randomImage(64, 64);
  double rss100 = 0;
  for (int i = 1; i <= o.frames; ++i) {
    model.analyze(small, analysis);
    if (i == 100) rss100 = statusMiB("VmRSS");
  }
  std::printf("  RSS over %d analyses at 64 x 64            : %.1f MiB after 100, %.1f MiB after %d\n", o.frames,
              rss100, statusMiB("VmRSS"), o.frames);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    if (o.memory) {
      memoryRows(o);
      return 0;
    }
    const revcol::Architecture tiny = revcol::revcolTiny();
    const auto image = randomImage(224, 224);
    std::printf("machine: %s, %d logical CPUs, %d physical cores; load average at start: %s\n",
                firstLine("/proc/cpuinfo", "model name").c_str(), int(std::thread::hardware_concurrency()),
                revcol::physicalCores(), firstLine("/proc/loadavg").c_str());

    // Our plain modules as they ran before this work: default malloc, libtorch's default threads.
    double plain_before = -1;
    const int default_threads = at::get_num_threads();
    if (o.plain) {
      revcol::RevColNet net(tiny);
      revcol::randomizeWeights(*net, 0);
      net->eval();
      torch::InferenceMode guard;
      auto x = torch::randn({1, 3, 224, 224});
      revcol::ForwardOptions f;
      f.decoders = false;
      plain_before = medianMs(o.reps, [&] { net->forward(x, f); });
    }

    revcol::LoadOptions fast_options;
    fast_options.threads = o.threads;
    auto fast = revcol::RevColModel::random(tiny, 0, fast_options);  // applies mallopt + threads

    // GEMM peak: 2048^3 float32 through the fast path's matrix product (oneDNN), every core.
    revcol::configureCpuThreads(revcol::physicalCores());
    const double peak = revcol::fast::linearPeakGflops(2048, 5);
    const double gemm_ms = 2.0 * 2048 * 2048 * 2048 / (peak * 1e9) * 1e3;

    double plain_after = -1;
    if (o.plain) {
      revcol::LoadOptions plain_options = fast_options;
      plain_options.fast = false;
      auto plain = revcol::RevColModel::random(tiny, 0, plain_options);
      plain_after = medianMs(o.reps, [&] { plain.classify(image); });
    }
    // The target rows, in interleaved rounds. Official-style PyTorch eager code: 224 x 224,
    // classification (stem + columns + 4 heads), as a child process.
    const auto analysis = revcol::bench::analysisPass();
    revcol::LoadOptions bf16_options = fast_options;
    bf16_options.bf16 = true;
    auto bf16 = revcol::RevColModel::random(tiny, 0, bf16_options);
    // Our fast path on one thread: the same thread count as the official rows.
    revcol::LoadOptions one_options = fast_options;
    one_options.threads = 1;
    auto one = revcol::RevColModel::random(tiny, 0, one_options);
    // The official entry point, model(x) (main.py's validate runs it to classify), computes the
    // image decoders of intermediate supervision too; ours with the same outputs (heads + decoders).
    revcol::AnalysisOptions model_outputs;
    model_outputs.features = model_outputs.added_maps = false;
    model_outputs.decoders = true;
    model_outputs.precisions.clear();
    Rounds off_default, off_pinned, off_tuned, off_model, fast_ms, model_ms, analysis_ms, bf16_ms, one_ms;
    int threads_used = 0;
    for (int r = 0; r < o.rounds; ++r) {
      off_default.add(official(o, kDefaultMalloc, "classify", 224, 224, o.reps));
      off_pinned.add(official(o, kHaswellBlas, "classify", 224, 224, o.reps));
      off_tuned.add(official(o, kTunedMalloc, "classify", 224, 224, o.reps));
      off_model.add(official(o, kDefaultMalloc, "validate", 224, 224, o.reps));
      fast_ms.add(medianMs(o.reps, [&] { fast.classify(image); }));
      model_ms.add(medianMs(o.reps, [&] { fast.analyze(image, model_outputs); }));
      threads_used = at::get_num_threads();  // what the last call ran on (auto: free cores)
      analysis_ms.add(medianMs(o.reps, [&] { fast.analyze(image, analysis); }));
      bf16_ms.add(medianMs(o.reps, [&] { bf16.classify(image); }));
      one_ms.add(medianMs(o.reps, [&] { one.classify(image); }));
    }
    // The thread lever: the same fast path on every physical core (forced, not auto).
    revcol::LoadOptions all_options = fast_options;
    all_options.threads = revcol::physicalCores();
    auto all = revcol::RevColModel::random(tiny, 0, all_options);
    const double fast_all_ms = medianMs(o.reps, [&] { all.classify(image); });
    // The official code given every core too (torch.set_num_threads): the baseline rows use its
    // default instead, which is the faster of the two here (OpenBLAS's own threads and OpenMP's then
    // share two cores).
    const double off_default_all = official(o, kDefaultMalloc, "classify", 224, 224, o.reps, revcol::physicalCores());
    const double off_tuned_all = official(o, kTunedMalloc, "classify", 224, 224, o.reps, revcol::physicalCores());

    // Optional bf16 MLPs: drift from the float32 fast path (relative L2 of each level of the last
    // column, top-1 of the last head) on random images.
    revcol::AnalysisOptions features_only;
    features_only.added_maps = features_only.decoders = false;
    features_only.precisions.clear();
    std::array<double, 4> drift{};
    int agree = 0, images = 8;
    for (int i = 0; i < images; ++i) {
      auto img = randomImage(224, 224);
      std::mt19937 rng(unsigned(100 + i));
      std::normal_distribution<float> normal;
      for (float& v : img.values) v = normal(rng);
      auto a32 = fast.analyze(img, features_only);
      auto a16 = bf16.analyze(img, features_only);
      agree += a32.heads.back().top[0].index == a16.heads.back().top[0].index;
      for (int l = 0; l < 4; ++l) {
        const auto& x = a32.columns.back().levels[l].values;
        const auto& y = a16.columns.back().levels[l].values;
        double err = 0, norm = 0;
        for (size_t j = 0; j < x.size(); ++j) err += double(y[j] - x[j]) * (y[j] - x[j]), norm += double(x[j]) * x[j];
        drift[l] = std::max(drift[l], std::sqrt(err / norm));
      }
    }

    const double flops = backboneFlops(tiny, 224, 224);
    std::printf(
        "threads: %s (auto: free physical cores at each call; libtorch's default here: %d); RevCol-T "
        "backbone %.2f GFLOP at 224 x 224\n",
        o.threads ? std::to_string(o.threads).c_str() : "auto", default_threads, flops / 1e9);
    std::printf("\n  %-46s %10s\n", "RevCol-T 224 x 224, batch 1, fp32", "ms/image");
    row("fp32 GEMM 2048^3, oneDNN matmul, all cores", gemm_ms, (std::to_string(int(peak)) + " GFLOP/s = peak").c_str());
    row("official-style eager, default malloc", off_default, "(python3-torch, its default threads)");
    row("official-style eager, GLIBC_TUNABLES malloc", off_tuned, "(python3-torch, its default threads)");
    row("official-style eager, default malloc, Haswell", off_pinned, "(OPENBLAS_CORETYPE=Haswell)");
    row("official-style model(x): heads + decoders", off_model, "(default malloc; what main.py's validate runs)");
    const std::string all_cores = "(torch.set_num_threads(" + std::to_string(revcol::physicalCores()) + "))";
    row("official-style eager, default malloc, all cores", off_default_all, all_cores.c_str());
    row("official-style eager, GLIBC_TUNABLES, all cores", off_tuned_all, all_cores.c_str());
    row("ours, plain modules, before (default malloc)", plain_before,
        ("(" + std::to_string(default_threads) + " thread)").c_str());
    row("ours, plain modules, mallopt + threads", plain_after);
    const double gf = flops / (fast_ms.median() * 1e-3) / 1e9;
    row(("ours, fast path (classify), " + std::to_string(threads_used) + " threads").c_str(), fast_ms,
        (std::to_string(int(gf)) + " GFLOP/s = " + std::to_string(int(100 * gf / peak)) + " % of GEMM peak").c_str());
    row("ours, fast path, heads + decoders", model_ms, "(model(x)'s outputs)");
    row("ours, fast path, 1 thread", one_ms);
    row("ours, fast path, every physical core", fast_all_ms,
        ("(" + std::to_string(all_options.threads) + " threads)").c_str());
    row("ours, analysis pass (features + step recon.)", analysis_ms);
    row("ours, fast path, bf16 MLPs (--bf16)", bf16_ms);
    std::printf(
        "  bf16 drift from fp32 (worst of %d random images, last column): c0 %.2g, c1 %.2g, c2 %.2g, "
        "c3 %.2g relative L2; top-1 of the last head agrees on %d/%d\n",
        images, drift[0], drift[1], drift[2], drift[3], agree, images);
    std::printf("\n");
    ratio("speed-up vs official default malloc", off_default, fast_ms, "x  (target >= 3)");
    ratio("speed-up vs official tuned malloc", off_tuned, fast_ms, "x  (target >= 1.25)");
    ratio("speed-up vs our plain, before", plain_before, fast_ms.median(), "x");
    ratio("one thread each: vs official tuned", off_tuned, one_ms, "x  (ours on 1 thread)");
    ratio("vs official default malloc, all cores", off_default_all, fast_ms.median(), "x  (measured once)");
    ratio("default / tuned malloc, official", off_default, off_tuned, "x  (the allocator's share)");
    ratio("vs official default malloc, Haswell", off_pinned, fast_ms, "x  (OpenBLAS pinned to AVX2)");
    ratio("Haswell / environment's kernel, official", off_pinned, off_default, "x  (the pin's share)");
    ratio("model(x) vs ours, heads + decoders", off_model, model_ms, "x  (same outputs, default malloc)");
    ratio("model(x) vs our classify", off_model, fast_ms, "x  (what each runs to classify)");
    ratio("bf16 speed-up vs official tuned", off_tuned, bf16_ms, "x  (target >= 2.5)");
    ratio("analysis pass / fast forward", analysis_ms, fast_ms, "   (target <= 2.2)");

    // Three choices of the fast path, each in alternating pairs of two nets built from the same
    // weights: float32 products on AMX tiles (the MLPs of levels 0-2 and a few products, the default
    // where the CPU has AMX) against the float32 units' kernels alone; then, both without AMX, the
    // MLPs' GELU from our polynomial (in the small-rows kernel's stores or a pass after oneDNN's
    // pwconv1; the default where the CPU has AVX-512) against oneDNN's, fused into its pwconv1, and
    // products of few rows on the small-rows kernel (the default where the CPU has AVX-512) against
    // all on oneDNN.
    {
      revcol::RevColNet net(tiny);
      revcol::randomizeWeights(*net, 0);
      net->eval();
      // Each form its own net: a Linear switched between kernels repacks its weights (and after a
      // second switch holds both forms), which would be timed with the form it switched to.
      revcol::FastRevColNet amx(*net, /*bf16=*/false, /*gelu_pass=*/true), pass(*net, false, true),
          fused(*net, false, false), onednn(*net, false, true);
      torch::InferenceMode guard;
      auto x = torch::randn({1, 3, 224, 224});
      revcol::ForwardOptions classify;
      classify.decoders = false;
      using revcol::fast::ProductKernels;
      auto forward = [&](revcol::FastRevColNet& net_path, ProductKernels kernels) {
        return [&net_path, kernels, &o, &x, &classify] {
          revcol::fast::ProductKernelsOverride choice(kernels);
          revcol::configureCpuThreads(o.threads);  // what the facade does before each call
          net_path.forward(x, classify);
        };
      };
      if (revcol::fast::SplitBf16Product::available())
        alternatingPairs("RevCol-T 224 x 224, float32 products on AMX tiles", 8 * o.reps,
                         {"ours, AMX split-bfloat16 MLPs (default)", forward(amx, ProductKernels::ByShape)},
                         {"ours, float32 units only (AVX-512)", forward(pass, ProductKernels::ByShapeWithoutAmx)},
                         "float32 units / AMX");
      if (revcol::fast::geluPassAvailable())
        alternatingPairs("RevCol-T 224 x 224, the MLPs' GELU (without AMX)", 8 * o.reps,
                         {"ours, polynomial GELU (default)", forward(pass, ProductKernels::ByShapeWithoutAmx)},
                         {"ours, oneDNN's GELU fused into pwconv1", forward(fused, ProductKernels::ByShapeWithoutAmx)},
                         "oneDNN / ours");
      if (revcol::fast::SmallRowsProduct::available())
        alternatingPairs("RevCol-T 224 x 224, products of <= 256 rows (without AMX)", 8 * o.reps,
                         {"ours, small-rows kernel (default)", forward(pass, ProductKernels::ByShapeWithoutAmx)},
                         {"ours, oneDNN's matmul", forward(onednn, ProductKernels::OneDnnOnly)}, "oneDNN / small-rows");
    }

    if (o.det) {
      // Detection resolution: the backbone alone (c0..c3 of the last column), 800 x 1216.
      const double off_det_default = official(o, kDefaultMalloc, "backbone", 800, 1216, o.det_reps);
      const double off_det = official(o, kTunedMalloc, "backbone", 800, 1216, o.det_reps);
      revcol::RevColNet net(tiny);
      revcol::randomizeWeights(*net, 0);
      net->eval();
      revcol::FastRevColNet fast_net(*net);
      torch::InferenceMode guard;
      auto x = torch::randn({1, 3, 800, 1216});
      revcol::ForwardOptions backbone;
      backbone.heads = backbone.decoders = false;
      const double det_ms = medianMs(o.det_reps, [&] {
        revcol::configureCpuThreads(o.threads);  // what the facade does before each call
        fast_net.forward(x, backbone);
      });
      std::printf("\n  %-46s %10s\n", "RevCol-T backbone 800 x 1216, fp32", "ms/image");
      row("official-style eager, default malloc", off_det_default);
      row("official-style eager, GLIBC_TUNABLES malloc", off_det);
      row("ours, fast path", det_ms, ("(" + std::to_string(at::get_num_threads()) + " threads)").c_str());
      ratio("speed-up vs official default malloc", off_det_default, det_ms, "x");
      ratio("speed-up vs official tuned malloc", off_det, det_ms, "x  (target >= 1.25)");
    }
    std::printf("load average at end: %s\n", firstLine("/proc/loadavg").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "revcol-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
