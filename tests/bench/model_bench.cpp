// revcol-bench: RevCol-T (random weights) at 224 x 224, batch 1, float32 on CPU.
// Prints the median time of a forward (all four heads), of a full analysis pass (features of every
// column + step reconstruction of every column) and their ratio. Not a test: run by hand.
//   revcol-bench [repetitions=7] [threads=torch default] [device=cpu]
#include <revcol/model.h>

#include <ATen/Parallel.h>  // thread count only: keeps this file off the heavy torch headers

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <vector>

namespace {

double medianMs(int reps, const std::function<void()>& fn) {
  fn();  // warm-up: allocator, OpenMP pool, oneDNN primitives
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
  if (argc > 2) at::set_num_threads(std::max(1, std::atoi(argv[2])));
  try {
    revcol::LoadOptions load;
    if (argc > 3) load.device = argv[3];
    auto model = revcol::RevColModel::random(revcol::revcolTiny(), 0, load);
    revcol::FloatArray image;
    image.shape = {3, 224, 224};
    std::mt19937 rng(0);
    std::normal_distribution<float> normal;
    image.values.resize(3 * 224 * 224);
    for (float& v : image.values) v = normal(rng);

    revcol::AnalysisOptions analysis;
    analysis.features = true;
    analysis.added_maps = false;
    analysis.decoders = false;
    analysis.precisions = {revcol::Precision::Float32};
    analysis.modes = {revcol::ReconstructionMode::Step};

    std::printf("%s, %lld parameters, %d torch threads, %s, %d repetitions\n",
                revcol::describe(model.info().architecture).c_str(),
                static_cast<long long>(model.info().parameter_count), at::get_num_threads(),
                model.info().device.c_str(), reps);
    double forward = medianMs(reps, [&] { model.classify(image); });
    double full = medianMs(reps, [&] { model.analyze(image, analysis); });
    std::printf("forward (4 heads)                     : %8.1f ms (median)\n", forward);
    std::printf("analysis (features + step reconstruct): %8.1f ms (median)\n", full);
    std::printf("ratio analysis / forward              : %8.2f\n", full / forward);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "revcol-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
