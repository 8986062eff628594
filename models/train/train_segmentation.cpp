// revcol-train seg --out CKPT [--init-backbone CLS_CKPT] [--seed S] [--steps N] [--batch B] [--lr LR]
//   [--size PX] [--head-channels C] [--threads T] [--channels ..] [--layers ..] [--columns N]
//   [--eval-seed S] [--eval-count N] [--ordinary-backward]
// UperNet as in Segmentation/configs/_base_/models/upernet_revcol.py: decode head on c0..c3 (PPM
// pool scales 1, 2, 3, 6), auxiliary FCN head on c2 with loss weight 0.4, cross-entropy on logits
// resized to the label size (bilinear, align_corners False). The backbone can start from the
// classification demo model, as the official recipe starts from ImageNet weights.
#include "train/train_segmentation.h"

#include <revcol/atomic_file.h>
#include <revcol/error.h>
#include <revcol/segmentation_metrics.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "checkpoint/checkpoint.h"
#include "fashion/fashion_mnist.h"
#include "heads/seg_upernet.h"
#include "nn/revcol_net.h"
#include "train/checkpoint_save.h"
#include "train/column_forward.h"
#include "train/demo_batches.h"
#include "train/fcn_aux_head.h"
#include "train/train_common.h"
#include "train/weight_init.h"
#include "revcol/palette.h"

namespace revcol::train {
namespace {

namespace F = torch::nn::functional;
constexpr int64_t kSegClasses = fashion::kNumClasses + 1;  // background + ten garments
constexpr double kAuxWeight = 0.4;

torch::Tensor upsampled(const torch::Tensor& logits, const torch::Tensor& labels) {
  return torch::upsample_bilinear2d(logits, {labels.size(1), labels.size(2)}, false);
}

// Copies stem.* and subnet*.* from a classification checkpoint (heads and decoders are left out).

// mmseg's IoU metric (core's SegmentationScore, the one `revcol-cli evaluate` reports) over
// held-out scenes [0, count).
SegmentationScore evaluate(RevColNetImpl& backbone, UPerHeadImpl& head, const fashion::FashionMnist& test,
                           uint64_t seed, int64_t count, int size) {
  torch::NoGradGuard no_grad;
  backbone.eval();
  head.eval();
  SegmentationScore score(kSegClasses);
  for (int64_t first = 0; first < count; first += 16) {
    const SceneBatch b = sceneBatch(test, seed, first, std::min<int64_t>(16, count - first), size);
    ForwardOptions o;
    o.heads = o.decoders = false;
    const ForwardResult r = backbone.forward(b.images, o);
    const torch::Tensor pred =
        upsampled(head.forward({r.last.begin(), r.last.end()}), b.labels).argmax(1).to(torch::kInt32).contiguous();
    const torch::Tensor labels = b.labels.to(torch::kInt32).contiguous();
    for (int64_t i = 0; i < pred.size(0); ++i)
      score.add(cv::Mat(size, size, CV_32S, pred[i].data_ptr<int32_t>()),
                cv::Mat(size, size, CV_32S, labels[i].data_ptr<int32_t>()));
  }
  backbone.train();
  head.train();
  return score;
}

// The mmseg config that goes into meta.config: what our loader reads (pool_scales, align_corners)
// and what a reader needs to rebuild the model in mmseg.
std::string mmsegConfig(const Architecture& a, int64_t head_channels, int size) {
  auto list = [](const std::array<int64_t, 4>& v) {
    return "[" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ", " + std::to_string(v[2]) + ", " +
           std::to_string(v[3]) + "]";
  };
  const std::string ch = std::to_string(head_channels), n = std::to_string(kSegClasses);
  return "norm_cfg = dict(type='BN', requires_grad=True)\n"
         "model = dict(\n    type='EncoderDecoder',\n"
         "    backbone=dict(type='RevCol', channels=" +
         list(a.channels) + ", layers=" + list(a.layers) + ", num_subnet=" + std::to_string(a.columns) +
         ", kernel_size=3, save_memory=True, out_indices=[0, 1, 2, 3]),\n"
         "    decode_head=dict(type='UPerHead', in_channels=" +
         list(a.channels) + ", in_index=[0, 1, 2, 3], pool_scales=(1, 2, 3, 6), channels=" + ch +
         ", dropout_ratio=0.1, num_classes=" + n +
         ", norm_cfg=norm_cfg, align_corners=False,\n"
         "        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),\n"
         "    auxiliary_head=dict(type='FCNHead', in_channels=" +
         std::to_string(a.channels[2]) + ", in_index=2, channels=" + ch +
         ", num_convs=1, concat_input=False, num_classes=" + n +
         ", norm_cfg=norm_cfg, align_corners=False,\n"
         "        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=0.4)),\n"
         "    test_cfg=dict(mode='whole'))\n"
         "img_norm_cfg = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True)\n"
         "test_pipeline = [dict(type='LoadImageFromFile'), dict(type='MultiScaleFlipAug', img_scale=(" +
         std::to_string(size) + ", " + std::to_string(size) +
         "), flip=False, transforms=[dict(type='Resize', keep_ratio=True), dict(type='Normalize', **img_norm_cfg), "
         "dict(type='ImageToTensor', keys=['img']), dict(type='Collect', keys=['img'])])]\n"
         "dataset_type = 'FashionScenes'  # revcol-fashion-scenes --task scenes\n";
}

}  // namespace

int runTrainSegmentation(int argc, char** argv) {
  tools::ToolArgs args(argc, argv,
                       {"--out", "--init-backbone", "--seed", "--steps", "--batch", "--lr", "--size", "--head-channels",
                        "--threads", "--channels", "--layers", "--columns", "--eval-seed", "--eval-count", "--data"},
                       {"--ordinary-backward"});
  if (!args.has("--out"))
    throw Error("usage: revcol-train seg --out CKPT [--init-backbone CLS_CKPT] ... (see the file header)");
  const std::string out_path = args.value("--out");
  const uint64_t seed = uint64_t(args.integer("--seed", 1, 0, 1LL << 40));
  const int64_t steps = args.integer("--steps", 1000, 1, 10000000), batch = args.integer("--batch", 8, 1, 4096);
  const double lr = args.real("--lr", 1e-3);
  const int size = int(args.integer("--size", 128, 32, 1024));
  if (size % 32) throw Error("--size must be a multiple of 32 (the backbone's stride), got " + std::to_string(size));
  const int64_t head_channels = args.integer("--head-channels", 64, 8, 4096);
  const uint64_t eval_seed = uint64_t(args.integer("--eval-seed", 2023, 0, 1LL << 40));
  const int64_t eval_count = args.integer("--eval-count", 500, 16, 1000000);
  const bool reversible = !args.flag("--ordinary-backward");
  torch::set_num_threads(int(args.integer("--threads", 1, 1, 256)));  // 1: see train_classification.cpp

  const Architecture arch = architectureFrom(args);  // backbone only: no heads, no decoders
  RevColNet backbone(arch);
  initRevColWeights(*backbone, seed);
  if (args.has("--init-backbone")) initBackboneFromCheckpoint(*backbone, args.value("--init-backbone"));
  UPerHeadConfig hc;
  hc.in_channels.assign(arch.channels.begin(), arch.channels.end());
  hc.channels = head_channels;
  hc.num_classes = kSegClasses;
  UPerHead head(hc);
  FcnAuxHead aux(arch.channels[2], head_channels, kSegClasses);
  initSegHeadWeights(*head, seed + 1);
  initSegHeadWeights(*aux, seed + 2);
  backbone->train();
  head->train();
  aux->train();

  const std::string data_dir = args.value("--data", fashion::defaultFashionMnistDir());
  const fashion::FashionMnist train_data = fashion::loadFashionMnist(data_dir, "train");
  const fashion::FashionMnist test_data = fashion::loadFashionMnist(data_dir, "test");
  std::vector<std::pair<std::string, torch::Tensor>> params;
  for (const auto& p : backbone->named_parameters()) params.emplace_back("backbone." + p.key(), p.value());
  for (const auto& p : head->named_parameters()) params.emplace_back("decode_head." + p.key(), p.value());
  for (const auto& p : aux->named_parameters()) params.emplace_back("auxiliary_head." + p.key(), p.value());
  torch::optim::AdamW optimizer = makeAdamW(params, lr, 0.01);
  std::printf("training UperNet on %s, %s backward, %lld steps x %lld scenes of %d px\n", describe(arch).c_str(),
              reversible ? "reversible" : "ordinary", (long long)steps, (long long)batch, size);
  std::fflush(stdout);

  Stopwatch clock;
  double loss_sum = 0;
  const int64_t warmup = std::max<int64_t>(1, steps / 20);
  for (int64_t step = 0; step < steps; ++step) {
    setLearningRate(optimizer, learningRate(step, steps, warmup, lr, 1e-6));
    const SceneBatch b = sceneBatch(train_data, seed, step * batch, batch, size);
    clampAlphasInPlace(*backbone);
    const TrainForward f = trainForward(*backbone, b.images, reversible);
    const torch::Tensor logits = head->forward({f.last.begin(), f.last.end()});
    const torch::Tensor loss = F::cross_entropy(upsampled(logits, b.labels), b.labels) +
                               kAuxWeight * F::cross_entropy(upsampled(aux->forward(f.last[2]), b.labels), b.labels);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    loss_sum += loss.item<double>();
    if ((step + 1) % 50 == 0 || step + 1 == steps) {
      std::printf("step %lld/%lld  loss %.4f  lr %.2e  %.0f s\n", (long long)(step + 1), (long long)steps,
                  loss_sum / 50, learningRate(step, steps, warmup, lr, 1e-6), clock.seconds());
      std::fflush(stdout);
      loss_sum = 0;
    }
  }
  const double train_seconds = clock.seconds();
  clampAlphasInPlace(*backbone);

  OpenMmlabMeta meta;
  meta.classes.push_back("background");
  for (const std::string& name : fashion::classNames()) meta.classes.push_back(name);
  // The palette every reader of the checkpoint shows: background grey, classes in tab10 order
  // (neighbouring classes clearly apart), as revcol::defaultPalette gives for these names.
  for (const Rgb& c : defaultPalette(meta.classes)) meta.palette.push_back({c[0], c[1], c[2]});
  meta.config = mmsegConfig(arch, head_channels, size);
  meta.iteration = steps;
  StateDict sd = stateDict(*backbone, "backbone.");
  for (auto& t : stateDict(*head, "decode_head.")) sd.push_back(std::move(t));
  for (auto& t : stateDict(*aux, "auxiliary_head.")) sd.push_back(std::move(t));
  saveOpenMmlabCheckpoint(out_path, sd, meta);

  const SegmentationScore score = evaluate(*backbone, *head, test_data, eval_seed, eval_count, size);
  const SegmentationScore score100 = evaluate(*backbone, *head, test_data, eval_seed, 100, size);
  nlohmann::json class_iou = nlohmann::json::array();
  for (double v : score.classIou()) class_iou.push_back(std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v));
  nlohmann::json manifest = {
      {"checkpoint", out_path},
      {"task", "segmentation"},
      {"architecture", describe(arch)},
      {"command", commandLine(argc, argv)},
      {"seed", seed},
      {"image_size", size},
      {"steps", steps},
      {"batch", batch},
      {"backward", reversible ? "reversible" : "ordinary"},
      {"train_seconds", train_seconds},
      {"machine", machineDescription()},
      {"eval",
       {{"split", "test"},
        {"seed", eval_seed},
        {"count", eval_count},
        {"miou", score.meanIou()},
        {"pixel_accuracy", score.pixelAccuracy()},
        {"class_iou", class_iou}}},
      {"eval_100",
       {{"split", "test"},
        {"seed", eval_seed},
        {"count", 100},
        {"miou", score100.meanIou()},
        {"pixel_accuracy", score100.pixelAccuracy()}}}};
  writeFileAtomic(out_path + ".json", manifest.dump(2) + "\n");
  std::printf("held-out mIoU %.4f, pixel accuracy %.4f (%lld test scenes, seed %llu); trained in %.0f s\n", score.meanIou(),
              score.pixelAccuracy(), (long long)eval_count, (unsigned long long)eval_seed, train_seconds);
  return 0;
}

}  // namespace revcol::train
