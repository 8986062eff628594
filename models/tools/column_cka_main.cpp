// revcol-column-cka CKPT [--count N] [--seed S] [--size PX]: linear CKA of every (column, level)
// feature of a FashionScenes classifier with the one-hot labels and with the input images, on N
// held-out samples (the official visual.py plot_cka comparison, with this data set's 10 classes).
#include <revcol/cka.h>
#include <revcol/error.h>

#include <cstdio>

#include "checkpoint/checkpoint.h"
#include "fashion/fashion_mnist.h"
#include "nn/weights.h"
#include "tools/tool_args.h"
#include "train/demo_batches.h"

namespace {

revcol::FloatArray toFloatArray(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous().to(torch::kFloat32);
  revcol::FloatArray a;
  a.shape = c.sizes().vec();
  a.values.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  return a;
}

int run(int argc, char** argv) {
  if (argc < 2) throw revcol::Error("usage: revcol-column-cka CKPT [--count N] [--seed S] [--size PX]");
  revcol::tools::ToolArgs args(argc - 1, argv + 1, {"--count", "--seed", "--size"}, {});
  const int64_t count = args.integer("--count", 500, 4, 100000);
  const uint64_t seed = uint64_t(args.integer("--seed", 2023, 0, 1LL << 40));
  const int size = int(args.integer("--size", 64, 32, 1024));
  torch::set_num_threads(1);
  const revcol::Checkpoint ck = revcol::readCheckpoint(argv[1]);
  const revcol::Architecture arch = revcol::inferArchitecture(ck.state_dict);
  revcol::RevColNet net(arch);
  revcol::loadWeights(*net, ck.state_dict, arch.weights_prefix);
  net->eval();
  const auto data = revcol::fashion::loadFashionMnist(revcol::fashion::defaultFashionMnistDir(), "test");
  const revcol::train::ClassificationBatch b = revcol::train::classificationBatch(data, seed, 0, count, size);
  std::vector<revcol::FloatArray> features;  // column-major: column * 4 + level
  {
    torch::NoGradGuard no_grad;
    revcol::ForwardOptions o;
    o.heads = o.decoders = false;
    net->forward(b.images, o, [&](const revcol::ColumnOutput& out) {
      for (const auto& c : out.c) features.push_back(toFloatArray(c));
      return true;
    });
  }
  std::vector<int64_t> labels(b.targets.data_ptr<int64_t>(), b.targets.data_ptr<int64_t>() + count);
  const revcol::CkaTarget by_labels = revcol::CkaTarget::fromLabels(labels, revcol::fashion::kNumClasses);
  const revcol::CkaTarget by_images = revcol::CkaTarget::fromImages(toFloatArray(b.images));
  std::printf("%s; %lld held-out test samples, seed %llu\n\n", revcol::describe(arch).c_str(), (long long)count,
              (unsigned long long)seed);
  std::printf("| column | CKA with labels: c0 / c1 / c2 / c3 | CKA with the input image: c0 / c1 / c2 / c3 |\n");
  std::printf("|---:|---|---|\n");
  for (int col = 0; col < arch.columns; ++col) {
    std::printf("| %d |", col);
    for (int l = 0; l < 4; ++l)
      std::printf(" %.3f%s", by_labels.cka(features[size_t(col * 4 + l)]), l < 3 ? " /" : " |");
    for (int l = 0; l < 4; ++l)
      std::printf(" %.3f%s", by_images.cka(features[size_t(col * 4 + l)]), l < 3 ? " /" : " |\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "revcol-column-cka: %s\n", e.what());
    return 1;
  }
}
