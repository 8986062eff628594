// The detection trainer's forward_train on a tiny model: every loss is there and finite, a few
// optimiser steps on one batch lower the total, and every head receives a gradient.
#include <gtest/gtest.h>

#include <cmath>

#include "fashion/fashion_mnist.h"
#include "heads/det_cascade.h"
#include "train/column_forward.h"
#include "train/demo_batches.h"
#include "train/detection/cascade_training.h"
#include "train/train_common.h"
#include "train/weight_init.h"

namespace revcol::train {
namespace {

::revcol::det::CascadeMaskRCNN tinyModel() {
  Architecture arch;
  arch.channels = {8, 16, 32, 64};
  arch.layers = {1, 1, 1, 1};
  arch.columns = 2;
  ::revcol::det::BBoxHeadConfig head;
  head.num_shared_convs = 4;
  head.conv_norm = true;
  head.num_shared_fcs = 1;
  head.in_channels = head.conv_channels = 16;
  head.fc_channels = 32;
  head.num_classes = fashion::kNumClasses;
  ::revcol::det::MaskHeadConfig mask;
  mask.in_channels = mask.conv_channels = 16;
  mask.num_classes = fashion::kNumClasses;
  ::revcol::det::CascadeConfig cc;
  cc.stage_stds = {{0.1f, 0.1f, 0.2f, 0.2f}, {0.05f, 0.05f, 0.1f, 0.1f}, {0.033f, 0.033f, 0.067f, 0.067f}};
  ::revcol::det::CascadeMaskRCNN model(arch, std::vector<int64_t>{8, 16, 32, 64}, int64_t(16), int64_t(3),
                                       std::vector<::revcol::det::BBoxHeadConfig>{head, head, head},
                                       std::vector<::revcol::det::MaskHeadConfig>{mask, mask, mask}, cc);
  initRevColWeights(*model->backbone(), 1);
  initDetectionHeadWeights(*model, 2);
  model->train();
  return model;
}

TEST(DetectionTraining, StepsOnOneBatchLowerTheLossAndReachEveryHead) {
  torch::manual_seed(0);
  const fashion::FashionMnist data = fashion::loadFashionMnist(fashion::defaultFashionMnistDir(), "test");
  const DetectionBatch batch = detectionBatch(data, 5, 0, 2, 64);
  ::revcol::det::CascadeMaskRCNN model = tinyModel();
  det::CascadeTrainConfig config;
  config.roi_samples = 64;
  config.rpn_nms_pre = config.rpn_max_proposals = 300;
  std::vector<std::pair<std::string, torch::Tensor>> params;
  for (const auto& p : model->named_parameters()) params.emplace_back(p.key(), p.value());
  torch::optim::AdamW optimizer = makeAdamW(params, 2e-3, 0.0);
  double first = 0, last = 0;
  for (int step = 0; step < 12; ++step) {
    torch::Generator rng = at::detail::createCPUGenerator(9);  // the same samples every step
    const TrainForward f = trainForward(*model->backbone(), batch.images, true);
    const det::CascadeLosses losses = det::cascadeTrainingLosses(
        *model, std::vector<torch::Tensor>(f.last.begin(), f.last.end()), batch, config, rng);
    for (const char* part : {"rpn_cls", "rpn_bbox", "s0.cls", "s0.bbox", "s0.mask", "s2.cls", "s2.mask"}) {
      ASSERT_TRUE(losses.parts.count(part)) << part;
      ASSERT_TRUE(std::isfinite(losses.parts.at(part))) << part;
    }
    optimizer.zero_grad();
    losses.total.backward();
    if (step == 0) {
      const auto named = model->named_parameters();
      for (const char* name : {"backbone.stem.0.weight", "neck.fpn_convs.0.conv.weight", "rpn_head.rpn_conv.weight",
                               "roi_head.bbox_head.0.fc_cls.weight", "roi_head.bbox_head.2.fc_reg.weight",
                               "roi_head.mask_head.1.conv_logits.weight"}) {
        const torch::Tensor* p = named.find(name);
        ASSERT_NE(p, nullptr) << name;
        ASSERT_TRUE(p->grad().defined()) << name;
        EXPECT_GT(p->grad().abs().sum().item<double>(), 0.0) << name;
      }
      first = losses.parts.at("total");
    }
    optimizer.step();
    last = losses.parts.at("total");
  }
  EXPECT_LT(last, 0.8 * first) << "first " << first << ", last " << last;
}

}  // namespace
}  // namespace revcol::train
