#pragma once
// One training forward of Cascade Mask R-CNN as mmdet 2.x's CascadeRCNN.forward_train runs it, on
// the inference modules (heads/det_cascade.h), so the trained weights load name for name:
// RPN (anchors assigned at 0.7 / 0.3 with low-quality matches, 256 sampled at half positives, BCE +
// smooth L1 with beta 1/9), proposals from the detached RPN, then every cascade stage (assigned at
// its IoU, 512 RoIs sampled at a quarter positives with the objects added, softmax CE + 10 x GIoU of
// the decoded boxes, the FCN mask head on the positives against 28 x 28 targets), each stage's
// losses weighted 1 / 0.5 / 0.25 and its refined boxes the next stage's proposals.
#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "heads/det_cascade.h"
#include "train/demo_batches.h"

namespace revcol::train::det {

struct CascadeTrainConfig {
  std::vector<double> stage_iou = {0.5, 0.6, 0.7};
  std::vector<double> stage_weight = {1.0, 0.5, 0.25};
  int64_t rpn_samples = 256, roi_samples = 512;
  int rpn_nms_pre = 2000, rpn_max_proposals = 2000;  // rpn_proposal of the train config
  double giou_weight = 10.0;
  int mask_size = 28;
};

struct CascadeLosses {
  torch::Tensor total;
  std::map<std::string, double> parts;  // "rpn_cls", "rpn_bbox", "s0.cls", "s0.bbox", "s0.mask", "s0.acc", ...
};

// `levels`: c0..c3 of the backbone's last column for the batch (with their graph). Sampling draws
// from `rng`.
CascadeLosses cascadeTrainingLosses(::revcol::det::CascadeMaskRCNNImpl& model, const std::vector<torch::Tensor>& levels,
                                    const DetectionBatch& batch, const CascadeTrainConfig& config,
                                    torch::Generator& rng);

}  // namespace revcol::train::det
