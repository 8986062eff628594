// revcol-export-bench: throughput of the export pipeline (features + errors) for RevCol-T (random
// weights) at 224 x 224 on a generated video, against the bare model time on the same frames.
//   revcol-export-bench [frames=48] [torch threads=default] [render threads=2]
// "bare" is model.analyze() alone on pre-decoded, pre-processed frames in a plain loop; "export" is
// revcol-cli export's pipeline end to end (decode, preprocess, analyze, grids, PNG + JSON + CSV +
// MP4 writing). Overhead = export wall time / bare model time - 1 (target < 15%); also against the
// analyze time summed inside the export run, which a shared machine's drifting load does not skew.
// Not a test: run by hand.
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <thread>
#include <opencv2/videoio.hpp>

#include "analysis_pass.h"
#include "revcol/error.h"
#include "revcol/export.h"
#include "revcol/frame_source.h"
#include "revcol/model.h"
#include "revcol/preprocess.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  const int frames = argc > 1 ? std::max(4, std::atoi(argv[1])) : 48;
  if (argc > 2) at::set_num_threads(std::max(1, std::atoi(argv[2])));
  const int render_threads = argc > 3 ? std::max(1, std::atoi(argv[3])) : 2;
  try {
    const fs::path dir = fs::temp_directory_path() / "revcol_export_bench";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string video = (dir / "bench.mp4").string();
    {
      cv::VideoWriter w(video, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 25.0, cv::Size(224, 224));
      if (!w.isOpened()) throw revcol::Error("cannot write the benchmark video");
      for (int i = 0; i < frames; ++i) {
        cv::Mat f(224, 224, CV_8UC3, cv::Scalar(40 + i % 100, 80, 120));
        cv::circle(f, {(7 * i) % 224, 112}, 50, cv::Scalar(230, 190, 30), cv::FILLED);
        cv::rectangle(f, {30, (5 * i) % 224}, {120, (5 * i) % 224 + 40}, cv::Scalar(20, 240, 100), cv::FILLED);
        w.write(f);
      }
    }
    auto model = revcol::RevColModel::random(revcol::revcolTiny());
    revcol::ImagenetPreprocess pre;
    pre.mode = revcol::ResizeMode::None;  // the video is 224 x 224 already

    // Bare model: the same analysis the exporter asks for, frames decoded and preprocessed beforehand.
    std::vector<revcol::FloatArray> inputs;
    {
      auto source = revcol::openFrameSource(video);
      revcol::Frame f;
      while (source->next(f))
        if (f.status == revcol::Frame::Status::Decoded) inputs.push_back(revcol::preprocessImagenet(f.rgb, pre));
    }
    const revcol::AnalysisOptions analysis = revcol::bench::analysisPass();  // what the export below asks for
    model.analyze(inputs[0], analysis);  // warm-up (allocator, thread pool, oneDNN primitives)
    auto bareSeconds = [&] {
      const auto t0 = std::chrono::steady_clock::now();
      for (const revcol::FloatArray& in : inputs) model.analyze(in, analysis);
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    // Bare runs before and after the export, averaged: a shared machine's load drifts.
    const double bare_before = bareSeconds();

    revcol::ExportOptions o;
    o.inputs = {video};
    o.out_dir = (dir / "out").string();
    o.overlay = false;
    o.features = true;
    o.errors = true;
    o.raw = false;
    o.preprocess = pre;
    o.preprocess_name = "none";
    o.checkpoint_file = "random RevCol-T";
    o.checkpoint_sha256 = "";
    o.pipeline.render_threads = render_threads;
    const revcol::ExportSummary s = revcol::runBatchExport(model, o);
    if (s.failures) throw revcol::Error("export reported failures: see " + s.manifest);
    const double bare_after = bareSeconds();
    const double bare = 0.5 * (bare_before + bare_after);

    const double n = double(inputs.size());
    std::printf(
        "RevCol-T, random weights, 224 x 224, %d frames, %d torch threads, %d render threads, %u hardware threads\n",
        int(inputs.size()), at::get_num_threads(), render_threads, std::thread::hardware_concurrency());
    std::printf(
        "bare model (analyze: features + fp32 step reconstruction): %7.1f ms/frame  %6.2f fps"
        "  (before %.1f, after %.1f ms/frame)\n",
        1e3 * bare / n, n / bare, 1e3 * bare_before / n, 1e3 * bare_after / n);
    std::printf("export features+errors (end to end)                      : %7.1f ms/frame  %6.2f fps\n",
                1e3 * s.seconds / n, n / s.seconds);
    std::printf("  inside the export: analyze %.1f ms/frame, draw + encode + write %.1f ms/frame (worker threads)\n",
                1e3 * s.infer_seconds / n, 1e3 * s.render_seconds / n);
    std::printf("pipeline overhead against the bare model: %+.1f%% (target < 15%%)\n",
                100.0 * (s.seconds / bare - 1.0));
    // The same ratio against the model time measured inside the export run: insensitive to load
    // that drifts between the bare and the export runs on a shared machine.
    std::printf("export wall time against its own analyze time: %+.1f%%\n",
                100.0 * (s.seconds / s.infer_seconds - 1.0));
    fs::remove_all(dir);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "revcol-export-bench: %s\n", e.what());
    return 1;
  }
}
