// revcol-train memory [--columns-list 1,2,4,8,16] [--batch B] [--size PX] [--channels ..] [--layers ..]
// One forward + backward of a RevCol classifier (single head on the last column) per setting;
// the figure is the peak of live tensor bytes above what was live before the step (weights,
// input), counted at libtorch's CPU allocator.
#include "train/memory_bench.h"

#include <revcol/error.h>

#include <cstdio>
#include <sstream>

#include "nn/revcol_net.h"
#include "train/column_forward.h"
#include "train/counting_allocator.h"
#include "train/train_common.h"
#include "train/weight_init.h"

namespace revcol::train {
namespace {

struct Measured {
  double peak_mib = 0, seconds = 0;
};

Measured measure(Architecture arch, bool reversible, int64_t batch, int side) {
  arch.num_classes = 10;
  arch.head = HeadKind::SingleCls;
  arch.num_heads = 1;
  RevColNet net(arch);
  initRevColWeights(*net, 1);
  net->train();
  torch::manual_seed(2);
  const torch::Tensor input = torch::randn({batch, 3, side, side});
  const torch::Tensor target = torch::randint(0, 10, {batch}, torch::kInt64);
  resetPeak();
  const size_t before = liveTensorBytes();
  Stopwatch clock;
  const TrainForward out = trainForward(*net, input, reversible);
  torch::nn::functional::cross_entropy(out.logits.back(), target).backward();
  Measured m;
  m.seconds = clock.seconds();
  m.peak_mib = double(peakTensorBytes() - before) / (1024.0 * 1024.0);
  return m;
}

}  // namespace

int runMemoryBench(int argc, char** argv) {
  installCountingAllocator();
  tools::ToolArgs args(argc, argv, {"--columns-list", "--batch", "--size", "--channels", "--layers", "--threads"}, {});
  const int64_t batch = args.integer("--batch", 16, 1, 4096);
  const int side = int(args.integer("--size", 64, 32, 1024));
  // One thread by default: on a shared 2-core machine OpenMP threads spin against other work and
  // a step got 8x slower with 2 threads than with 1 (measured under load).
  torch::set_num_threads(int(args.integer("--threads", 1, 1, 256)));
  std::vector<int> columns;
  std::stringstream list(args.value("--columns-list", "1,2,4,8,16"));
  for (std::string part; std::getline(list, part, ',');) {
    try {
      columns.push_back(std::stoi(part));
    } catch (const std::exception&) {
      throw Error("--columns-list takes comma-separated column counts, got '" + args.value("--columns-list") + "'");
    }
    if (columns.back() < 1 || columns.back() > 64) throw Error("column counts must be in [1, 64]");
  }
  Architecture arch = architectureFrom(args);
  std::printf("%s, batch %lld, %d x %d px, one training step\n\n", describe(arch).c_str(), (long long)batch, side,
              side);
  std::printf("| columns | ordinary backward: peak MiB | reversible: peak MiB | ratio | ordinary s | reversible s |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|\n");
  for (int n : columns) {
    arch.columns = n;
    const Measured ordinary = measure(arch, false, batch, side);
    const Measured reversible = measure(arch, true, batch, side);
    std::printf("| %d | %.1f | %.1f | %.2f | %.2f | %.2f |\n", n, ordinary.peak_mib, reversible.peak_mib,
                reversible.peak_mib / ordinary.peak_mib, ordinary.seconds, reversible.seconds);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace revcol::train
