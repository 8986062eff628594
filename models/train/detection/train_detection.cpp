// revcol-train det --out CKPT --init-backbone CLS_CKPT [--seed S] [--steps N] [--batch B] [--lr LR]
//   [--size PX] [--fpn-channels C] [--fc-channels C] [--roi-samples N] [--threads T] [--channels ..] [--layers ..]
//   [--columns N] [--eval-seed S] [--eval-count N] [--ordinary-backward]
// Cascade Mask R-CNN as the official Detection config (cascade_mask_rcnn_revcol_*): FPN on c0..c3,
// RPN, three 4conv1fc bbox heads with BN (stds 0.1/0.1/0.2/0.2, 0.05/.., 0.033/..; GIoU on
// decoded boxes), FCN mask heads, trained as mmdet's forward_train (cascade_training.h) with AdamW
// (weight decay 0.05), warm-up and cosine, the backbone through the reversible backward. Written in
// mmdetection 2.x's layout; the held-out report runs the saved checkpoint through revcol::Detector
// and COCO evaluation, as `revcol-cli evaluate` does.
#include "train/detection/train_detection.h"

#include <revcol/atomic_file.h>
#include <revcol/coco_eval.h>
#include <revcol/detector.h>
#include <revcol/error.h>
#include <revcol/palette.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "fashion/fashion_mnist.h"
#include "fashion/scene_generator.h"
#include "heads/det_cascade.h"
#include "train/checkpoint_save.h"
#include "train/column_forward.h"
#include "train/demo_batches.h"
#include "train/detection/cascade_training.h"
#include "train/train_common.h"
#include "train/weight_init.h"

namespace revcol::train {
namespace {

const std::vector<std::array<float, 4>> kStageStds = {
    {0.1f, 0.1f, 0.2f, 0.2f}, {0.05f, 0.05f, 0.1f, 0.1f}, {0.033f, 0.033f, 0.067f, 0.067f}};

std::string list4(const std::array<int64_t, 4>& v) {
  return "[" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ", " + std::to_string(v[2]) + ", " +
         std::to_string(v[3]) + "]";
}

// meta.config: what our loader reads (target_stds in order: RPN, then each stage) and what a
// reader needs to rebuild the model in mmdet.
std::string mmdetConfig(const Architecture& a, int64_t fpn, int64_t fc, int size) {
  const std::string ch = std::to_string(fpn), n = std::to_string(fashion::kNumClasses);
  std::string stages;
  for (const auto& s : kStageStds) {
    char stds[96];
    std::snprintf(stds, sizeof stds, "[%g, %g, %g, %g]", s[0], s[1], s[2], s[3]);
    stages += "        dict(type='ConvFCBBoxHead', num_shared_convs=4, num_shared_fcs=1, in_channels=" + ch +
              ", conv_out_channels=" + ch + ", fc_out_channels=" + std::to_string(fc) +
              ", roi_feat_size=7, num_classes=" + n +
              ", bbox_coder=dict(type='DeltaXYWHBBoxCoder', target_means=[0.0, 0.0, 0.0, 0.0], target_stds=" + stds +
              "), reg_class_agnostic=False, reg_decoded_bbox=True, norm_cfg=dict(type='BN', requires_grad=True), "
              "loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0), "
              "loss_bbox=dict(type='GIoULoss', loss_weight=10.0)),\n";
  }
  return "model = dict(\n    type='CascadeRCNN',\n    backbone=dict(type='RevCol', channels=" + list4(a.channels) +
         ", layers=" + list4(a.layers) + ", num_subnet=" + std::to_string(a.columns) +
         ", kernel_size=3, save_memory=True, out_indices=[0, 1, 2, 3]),\n"
         "    neck=dict(type='FPN', in_channels=" +
         list4(a.channels) + ", out_channels=" + ch +
         ", num_outs=5),\n"
         "    rpn_head=dict(type='RPNHead', in_channels=" +
         ch + ", feat_channels=" + ch +
         ", anchor_generator=dict(type='AnchorGenerator', scales=[8], ratios=[0.5, 1.0, 2.0], strides=[4, 8, 16, "
         "32, 64]), bbox_coder=dict(type='DeltaXYWHBBoxCoder', target_means=[0.0, 0.0, 0.0, 0.0], "
         "target_stds=[1.0, 1.0, 1.0, 1.0]), loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=True, "
         "loss_weight=1.0), loss_bbox=dict(type='SmoothL1Loss', beta=0.1111111111111111, loss_weight=1.0)),\n"
         "    roi_head=dict(type='CascadeRoIHead', num_stages=3, stage_loss_weights=[1, 0.5, 0.25],\n"
         "        bbox_roi_extractor=dict(type='SingleRoIExtractor', roi_layer=dict(type='RoIAlign', output_size=7, "
         "sampling_ratio=0), out_channels=" +
         ch + ", featmap_strides=[4, 8, 16, 32]),\n        bbox_head=[\n" + stages +
         "        ],\n        mask_roi_extractor=dict(type='SingleRoIExtractor', roi_layer=dict(type='RoIAlign', "
         "output_size=14, sampling_ratio=0), out_channels=" +
         ch +
         ", featmap_strides=[4, 8, 16, 32]),\n        mask_head=dict(type='FCNMaskHead', num_convs=4, in_channels=" +
         ch + ", conv_out_channels=" + ch + ", num_classes=" + n +
         ", loss_mask=dict(type='CrossEntropyLoss', use_mask=True, loss_weight=1.0))))\n"
         "img_norm_cfg = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True)\n"
         "test_pipeline = [dict(type='LoadImageFromFile'), dict(type='MultiScaleFlipAug', img_scale=(" +
         std::to_string(size) + ", " + std::to_string(size) +
         "), flip=False, transforms=[dict(type='Resize', keep_ratio=True), dict(type='Normalize', **img_norm_cfg), "
         "dict(type='Pad', size_divisor=32), dict(type='ImageToTensor', keys=['img']), dict(type='Collect', "
         "keys=['img'])])]\n"
         "dataset_type = 'CocoDataset'  # revcol-fashion-scenes --task scenes\n";
}

// Held-out scenes [0, count) as a COCO data set (what revcol-fashion-scenes writes) and the saved
// checkpoint's detections on them, through the same Detector as revcol-cli.
std::pair<CocoMetrics, CocoMetrics> evaluate(const std::string& checkpoint, const fashion::FashionMnist& test,
                                             uint64_t seed, int64_t count, int size) {
  CocoDataset data;
  for (int k = 0; k < fashion::kNumClasses; ++k) data.categories.push_back({k + 1, fashion::classNames()[size_t(k)]});
  Detector detector = Detector::load(checkpoint);
  DetectOptions options;
  options.scale_long = options.scale_short = size;
  std::vector<CocoInstance> detections;
  const fashion::SceneOptions o = fashion::sceneOptionsForSize(size);
  for (int64_t i = 0; i < count; ++i) {
    const fashion::Scene s = fashion::makeScene(test, seed, int(i), o);
    data.images.push_back({i, "", size, size});
    for (const fashion::SceneItem& item : s.items) {
      CocoInstance a;
      a.image_id = i;
      a.category_id = item.category + 1;
      a.bbox = {double(item.box.x), double(item.box.y), double(item.box.width), double(item.box.height)};
      a.area = item.area;
      a.mask = encodeCocoRle(item.mask);
      data.annotations.push_back(std::move(a));
    }
    for (const DetectedObject& d : detector.detect(s.image, options).objects) {
      CocoInstance x;
      x.image_id = i;
      x.category_id = d.label + 1;
      x.bbox = {d.box[0], d.box[1], double(d.box[2]) - d.box[0], double(d.box[3]) - d.box[1]};
      x.score = d.score;
      x.mask = encodeCocoRle(d.mask);
      detections.push_back(std::move(x));
    }
  }
  return {evaluateCoco(data, detections, CocoIouType::Box), evaluateCoco(data, detections, CocoIouType::Mask)};
}

nlohmann::json metricsJson(const CocoMetrics& m) {
  nlohmann::json j;
  for (size_t s = 0; s < m.stats.size(); ++s) j[cocoStatNames()[s]] = m.stats[s];
  nlohmann::json per_class = nlohmann::json::object();
  for (const CocoClassAp& c : m.per_class)
    per_class[c.name] = std::isnan(c.ap) ? nlohmann::json(nullptr) : nlohmann::json(c.ap);
  j["per_class_AP"] = per_class;
  return j;
}

}  // namespace

int runTrainDetection(int argc, char** argv) {
  tools::ToolArgs args(
      argc, argv,
      {"--out", "--init-backbone", "--seed", "--steps", "--batch", "--lr", "--size", "--fpn-channels", "--fc-channels",
       "--roi-samples", "--threads", "--channels", "--layers", "--columns", "--eval-seed", "--eval-count", "--data"},
      {"--ordinary-backward"});
  if (!args.has("--out"))
    throw Error("usage: revcol-train det --out CKPT --init-backbone CLS_CKPT ... (see the file header)");
  const std::string out_path = args.value("--out");
  const uint64_t seed = uint64_t(args.integer("--seed", 1, 0, 1LL << 40));
  const int64_t steps = args.integer("--steps", 2000, 1, 10000000), batch = args.integer("--batch", 4, 1, 4096);
  const double lr = args.real("--lr", 2e-4);
  const int size = int(args.integer("--size", 128, 64, 1024));
  if (size % 32) throw Error("--size must be a multiple of 32 (the backbone's stride), got " + std::to_string(size));
  const int64_t fpn = args.integer("--fpn-channels", 64, 8, 4096), fc = args.integer("--fc-channels", 256, 8, 8192);
  const uint64_t eval_seed = uint64_t(args.integer("--eval-seed", 2023, 0, 1LL << 40));
  const int64_t eval_count = args.integer("--eval-count", 200, 10, 1000000);
  const bool reversible = !args.flag("--ordinary-backward");
  torch::set_num_threads(int(args.integer("--threads", 1, 1, 256)));  // 1: see train_classification.cpp

  const Architecture arch = architectureFrom(args);
  ::revcol::det::BBoxHeadConfig head;
  head.num_shared_convs = 4;
  head.conv_norm = true;
  head.num_shared_fcs = 1;
  head.in_channels = head.conv_channels = fpn;
  head.fc_channels = fc;
  head.num_classes = fashion::kNumClasses;
  ::revcol::det::MaskHeadConfig mask;
  mask.in_channels = mask.conv_channels = fpn;
  mask.num_classes = fashion::kNumClasses;
  ::revcol::det::CascadeConfig cc;
  cc.stage_stds = kStageStds;
  ::revcol::det::CascadeMaskRCNN model(arch, std::vector<int64_t>(arch.channels.begin(), arch.channels.end()), fpn,
                                       int64_t(3), std::vector<::revcol::det::BBoxHeadConfig>{head, head, head},
                                       std::vector<::revcol::det::MaskHeadConfig>{mask, mask, mask}, cc);
  initRevColWeights(*model->backbone(), seed);
  if (args.has("--init-backbone")) initBackboneFromCheckpoint(*model->backbone(), args.value("--init-backbone"));
  initDetectionHeadWeights(*model, seed + 1);
  model->train();

  const std::string data_dir = args.value("--data", fashion::defaultFashionMnistDir());
  const fashion::FashionMnist train_data = fashion::loadFashionMnist(data_dir, "train");
  const fashion::FashionMnist test_data = fashion::loadFashionMnist(data_dir, "test");
  std::vector<std::pair<std::string, torch::Tensor>> params;
  for (const auto& p : model->named_parameters()) params.emplace_back(p.key(), p.value());
  torch::optim::AdamW optimizer = makeAdamW(params, lr, 0.05);
  std::printf("training Cascade Mask R-CNN on %s, %s backward, %lld steps x %lld scenes of %d px\n",
              describe(arch).c_str(), reversible ? "reversible" : "ordinary", (long long)steps, (long long)batch, size);
  std::fflush(stdout);

  torch::Generator rng = at::detail::createCPUGenerator(seed + 2);
  det::CascadeTrainConfig tc;
  // RoIs sampled per image and stage: 512 in the official config; a scene of <= 4 objects at 128 px
  // fills a quarter of 128 with positives too, at a quarter of the box heads' cost.
  tc.roi_samples = args.integer("--roi-samples", 512, 16, 4096);
  Stopwatch clock;
  std::map<std::string, double> sums;
  const int64_t warmup = std::max<int64_t>(1, steps / 20);
  for (int64_t step = 0; step < steps; ++step) {
    setLearningRate(optimizer, learningRate(step, steps, warmup, lr, lr * 0.01));
    const DetectionBatch b = detectionBatch(train_data, seed, step * batch, batch, size);
    clampAlphasInPlace(*model->backbone());
    const TrainForward f = trainForward(*model->backbone(), b.images, reversible);
    const det::CascadeLosses losses =
        det::cascadeTrainingLosses(*model, std::vector<torch::Tensor>(f.last.begin(), f.last.end()), b, tc, rng);
    optimizer.zero_grad();
    losses.total.backward();
    optimizer.step();
    for (const auto& [k, v] : losses.parts) sums[k] += v;
    if ((step + 1) % 20 == 0 || step + 1 == steps) {
      const int64_t n = (step + 1) % 20 == 0 ? 20 : (step + 1) % 20;
      std::printf("step %lld/%lld  loss %.3f  rpn %.3f/%.3f", (long long)(step + 1), (long long)steps,
                  sums["total"] / n, sums["rpn_cls"] / n, sums["rpn_bbox"] / n);
      for (int s = 0; s < 3; ++s) {
        const std::string t = "s" + std::to_string(s) + ".";
        std::printf("  s%d %.3f/%.3f/%.3f acc %.2f", s, sums[t + "cls"] / n, sums[t + "bbox"] / n, sums[t + "mask"] / n,
                    sums[t + "acc"] / n);
      }
      std::printf("  %.0f s\n", clock.seconds());
      std::fflush(stdout);
      sums.clear();
    }
  }
  const double train_seconds = clock.seconds();
  clampAlphasInPlace(*model->backbone());

  OpenMmlabMeta meta;
  meta.classes = fashion::classNames();
  for (const Rgb& c : defaultPalette(meta.classes)) meta.palette.push_back({c[0], c[1], c[2]});
  meta.config = mmdetConfig(arch, fpn, fc, size);
  meta.iteration = steps;
  saveOpenMmlabCheckpoint(out_path, stateDict(*model), meta);

  const auto [bbox, segm] = evaluate(out_path, test_data, eval_seed, eval_count, size);
  const nlohmann::json manifest = {
      {"checkpoint", out_path},
      {"task", "detection"},
      {"architecture", describe(arch) + ", Cascade Mask R-CNN (FPN " + std::to_string(fpn) + ", 3 x 4conv1fc " +
                           std::to_string(fc) + ", FCN mask heads)"},
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
        {"bbox", metricsJson(bbox)},
        {"segm", metricsJson(segm)}}}};
  writeFileAtomic(out_path + ".json", manifest.dump(2) + "\n");
  std::printf("held-out (%lld scenes, seed %llu): bbox AP %.4f AP50 %.4f, segm AP %.4f AP50 %.4f; trained in %.0f s\n",
              (long long)eval_count, (unsigned long long)eval_seed, bbox.ap(), bbox.ap50(), segm.ap(), segm.ap50(),
              train_seconds);
  return 0;
}

}  // namespace revcol::train
