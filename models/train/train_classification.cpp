// revcol-train cls --out CKPT [--seed S] [--steps N] [--batch B] [--lr LR] [--size PX] [--threads T]
//   [--channels ..] [--layers ..] [--columns N] [--eval-seed S] [--eval-count N] [--ordinary-backward]
// Loss: models/loss.py compound_loss with the official FCOE 3.0 / CCOE 0.7 (configs/revcol_*.yaml):
// for the first three heads, BCE-with-logits reconstruction * (1 - i/3) * 3.0 + CE * (i+1)/4 * 0.7,
// plus the last head's CE; label smoothing 0.1 (MODEL.LABEL_SMOOTHING).
#include "train/train_classification.h"

#include <revcol/atomic_file.h>
#include <revcol/error.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "fashion/fashion_mnist.h"
#include "nn/revcol_net.h"
#include "train/checkpoint_save.h"
#include "train/column_forward.h"
#include "train/demo_batches.h"
#include "train/train_common.h"
#include "train/weight_init.h"

namespace revcol::train {
namespace {

namespace F = torch::nn::functional;
constexpr double kFCoe = 3.0, kCCoe = 0.7;

torch::Tensor compoundLoss(const TrainForward& out, const ClassificationBatch& b) {
  const auto ce = F::CrossEntropyFuncOptions().label_smoothing(0.1);
  const torch::Tensor target_image = b.pixels.clamp(0.01, 0.99);
  const size_t n_img = out.images.size(), n_cls = out.logits.size();
  torch::Tensor loss = F::cross_entropy(out.logits.back(), b.targets, ce);
  for (size_t i = 0; i < n_img; ++i) {
    const double ratio_f = 1.0 - double(i) / double(n_img), ratio_c = double(i + 1) / double(n_cls);
    loss = loss + F::binary_cross_entropy_with_logits(out.images[i], target_image) * ratio_f * kFCoe +
           F::cross_entropy(out.logits[i], b.targets, ce) * ratio_c * kCCoe;
  }
  return loss;
}

// Top-1 accuracy of every head on held-out samples [0, count) of the test split, through the
// inference forward revcol-cli uses.
std::vector<double> evaluate(RevColNetImpl& net, const fashion::FashionMnist& test, uint64_t seed, int64_t count,
                             int side) {
  torch::NoGradGuard no_grad;
  net.eval();
  std::vector<int64_t> correct;
  for (int64_t first = 0; first < count; first += 100) {
    const ClassificationBatch b = classificationBatch(test, seed, first, std::min<int64_t>(100, count - first), side);
    ForwardOptions o;
    o.decoders = false;
    const ForwardResult r = net.forward(b.images, o);
    correct.resize(r.logits.size(), 0);
    for (size_t k = 0; k < r.logits.size(); ++k)
      correct[k] += r.logits[k].argmax(1).eq(b.targets).sum().item<int64_t>();
  }
  net.train();
  std::vector<double> acc;
  for (int64_t c : correct) acc.push_back(double(c) / double(count));
  return acc;
}

}  // namespace

int runTrainClassification(int argc, char** argv) {
  tools::ToolArgs args(argc, argv,
                       {"--out", "--seed", "--steps", "--batch", "--lr", "--size", "--threads", "--channels",
                        "--layers", "--columns", "--eval-seed", "--eval-count", "--data"},
                       {"--ordinary-backward"});
  if (!args.has("--out"))
    throw Error("usage: revcol-train cls --out CKPT [--steps N] [--batch B] ... (see the file header)");
  const std::string out_path = args.value("--out");
  const uint64_t seed = uint64_t(args.integer("--seed", 1, 0, 1LL << 40));
  const int64_t steps = args.integer("--steps", 3000, 1, 10000000), batch = args.integer("--batch", 32, 1, 4096);
  const double lr = args.real("--lr", 2e-3);
  const int side = int(args.integer("--size", 64, 32, 512));
  const uint64_t eval_seed = uint64_t(args.integer("--eval-seed", 2023, 0, 1LL << 40));
  const int64_t eval_count = args.integer("--eval-count", 2000, 100, 1000000);
  const bool reversible = !args.flag("--ordinary-backward");
  // One thread by default: on a shared 2-core machine OpenMP threads spin against other work and
  // a step got 8x slower with 2 threads than with 1 (measured under load).
  torch::set_num_threads(int(args.integer("--threads", 1, 1, 256)));

  Architecture arch = architectureFrom(args);
  arch.num_classes = fashion::kNumClasses;
  arch.head = HeadKind::IntermediateSupervision;
  arch.num_heads = 4;
  arch.decoder = DecoderKind::Decoder;  // the official choice for <= 1000 classes
  arch.num_decoders = 3;
  RevColNet net(arch);
  initRevColWeights(*net, seed);
  net->train();

  const std::string data_dir = args.value("--data", fashion::defaultFashionMnistDir());
  const fashion::FashionMnist train_data = fashion::loadFashionMnist(data_dir, "train");
  const fashion::FashionMnist test_data = fashion::loadFashionMnist(data_dir, "test");
  std::vector<std::pair<std::string, torch::Tensor>> params;
  for (const auto& p : net->named_parameters()) params.emplace_back(p.key(), p.value());
  torch::optim::AdamW optimizer = makeAdamW(params, lr, 0.05);
  std::printf("training %s, %s backward, %lld steps x %lld images of %d px\n", describe(arch).c_str(),
              reversible ? "reversible" : "ordinary", (long long)steps, (long long)batch, side);

  Stopwatch clock;
  double loss_sum = 0;
  int64_t correct = 0, seen = 0;
  const int64_t warmup = std::max<int64_t>(1, steps / 20);
  for (int64_t step = 0; step < steps; ++step) {
    setLearningRate(optimizer, learningRate(step, steps, warmup, lr, 1e-6));
    const ClassificationBatch b = classificationBatch(train_data, seed, step * batch, batch, side);
    clampAlphasInPlace(*net);
    const TrainForward out = trainForward(*net, b.images, reversible);
    const torch::Tensor loss = compoundLoss(out, b);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    loss_sum += loss.item<double>();
    correct += out.logits.back().argmax(1).eq(b.targets).sum().item<int64_t>();
    seen += batch;
    if ((step + 1) % 50 == 0 || step + 1 == steps) {
      std::printf("step %lld/%lld  loss %.4f  train acc %.3f  lr %.2e  %.0f s\n", (long long)(step + 1),
                  (long long)steps, loss_sum / 50, double(correct) / double(seen),
                  learningRate(step, steps, warmup, lr, 1e-6), clock.seconds());
      std::fflush(stdout);
      loss_sum = 0, correct = 0, seen = 0;
    }
  }
  const double train_seconds = clock.seconds();
  clampAlphasInPlace(*net);
  saveClassificationCheckpoint(out_path, stateDict(*net));

  const std::vector<double> acc = evaluate(*net, test_data, eval_seed, eval_count, side);
  const std::vector<double> acc200 = evaluate(*net, test_data, eval_seed, 200, side);
  nlohmann::json manifest = {
      {"checkpoint", out_path},
      {"task", "classification"},
      {"architecture", describe(arch)},
      {"command", commandLine(argc, argv)},
      {"seed", seed},
      {"image_size", side},
      {"steps", steps},
      {"batch", batch},
      {"backward", reversible ? "reversible" : "ordinary"},
      {"train_seconds", train_seconds},
      {"machine", machineDescription()},
      {"eval", {{"split", "test"}, {"seed", eval_seed}, {"count", eval_count}, {"head_accuracy", acc}}},
      {"eval_200", {{"split", "test"}, {"seed", eval_seed}, {"count", 200}, {"head_accuracy", acc200}}}};
  writeFileAtomic(out_path + ".json", manifest.dump(2) + "\n");
  std::printf("held-out accuracy (%lld test images, seed %llu) per head:", (long long)eval_count,
              (unsigned long long)eval_seed);
  for (double a : acc) std::printf(" %.4f", a);
  std::printf("\ntrained in %.0f s; wrote %s and %s.json\n", train_seconds, out_path.c_str(), out_path.c_str());
  return 0;
}

}  // namespace revcol::train
