#pragma once
// Training targets of mmdetection 2.x's two-stage detectors: IoU of box sets, MaxIoUAssigner,
// RandomSampler and the DeltaXYWH encoder, each as the Python class computes it, on CPU tensors
// (boxes x1, y1, x2, y2 in input pixels, float32).
#include <torch/torch.h>

namespace revcol::train::det {

// bbox_overlaps(a, b, mode='iou'): N x M, areas (x2 - x1) * (y2 - y1) without +1, union clamped
// to 1e-6.
torch::Tensor boxIou(const torch::Tensor& a, const torch::Tensor& b);

struct MaxIouAssigner {
  double pos_iou_thr = 0.5;        // max IoU >= this: positive
  double neg_iou_thr = 0.5;        // 0 <= max IoU < this: negative; between the two: ignored
  double min_pos_iou = 0.5;        // low-quality matches need at least this IoU
  bool match_low_quality = false;  // every object also takes the boxes of its highest IoU
};

struct Assignment {
  torch::Tensor gt_index;  // int64 per box: -1 ignored, 0 negative, k + 1 matched to object k
  torch::Tensor max_iou;   // float per box
  torch::Tensor labels;    // int64 per box: the matched object's label, -1 otherwise
};

// MaxIoUAssigner.assign (gt_max_assign_all=True, no ignore regions). `valid` (bool per box, may be
// undefined) marks the boxes that take part; the others stay -1 (RPN anchors outside the image).
Assignment assignByIou(const MaxIouAssigner& config, const torch::Tensor& boxes, const torch::Tensor& gt_boxes,
                       const torch::Tensor& gt_labels, const torch::Tensor& valid = {});

struct Sample {
  torch::Tensor boxes;     // the sampled boxes: positives first, then negatives
  torch::Tensor positive;  // indices (into `boxes` of sampleBoxes' input, gt first when added)
  torch::Tensor negative;
  torch::Tensor pos_gt_index;  // matched object (0-based) of each positive
  torch::Tensor pos_is_gt;     // bool per positive: an object added as a proposal
  torch::Tensor labels;        // int64 per sampled box: object label, or `background` for negatives
};

// RandomSampler(num, pos_fraction, neg_pos_ub=-1, add_gt_as_proposals): positives drawn at random up
// to num * pos_fraction, negatives fill up to num. With add_gt the objects are prepended to the
// boxes as positives of themselves (IoU 1) before sampling, as mmdet's assign_result.add_gt_.
Sample sampleBoxes(const Assignment& assignment, const torch::Tensor& boxes, const torch::Tensor& gt_boxes,
                   const torch::Tensor& gt_labels, int64_t num, double pos_fraction, bool add_gt, int64_t background,
                   torch::Generator& rng);

// DeltaXYWHBBoxCoder.encode (bbox2delta) with means 0: ((gx - px) / pw, (gy - py) / ph,
// log(gw / pw), log(gh / ph)) / stds.
torch::Tensor deltaXYWHEncode(const torch::Tensor& proposals, const torch::Tensor& gt,
                              const std::array<float, 4>& stds);

}  // namespace revcol::train::det
