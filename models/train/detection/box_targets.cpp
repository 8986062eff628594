#include "train/detection/box_targets.h"

namespace revcol::train::det {

torch::Tensor boxIou(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.size(0) == 0 || b.size(0) == 0) return torch::zeros({a.size(0), b.size(0)}, a.options());
  const torch::Tensor area_a = (a.select(1, 2) - a.select(1, 0)) * (a.select(1, 3) - a.select(1, 1));
  const torch::Tensor area_b = (b.select(1, 2) - b.select(1, 0)) * (b.select(1, 3) - b.select(1, 1));
  const torch::Tensor lt = torch::max(a.slice(1, 0, 2).unsqueeze(1), b.slice(1, 0, 2).unsqueeze(0));
  const torch::Tensor rb = torch::min(a.slice(1, 2, 4).unsqueeze(1), b.slice(1, 2, 4).unsqueeze(0));
  const torch::Tensor wh = (rb - lt).clamp_min(0);
  const torch::Tensor overlap = wh.select(2, 0) * wh.select(2, 1);
  const torch::Tensor uni = (area_a.unsqueeze(1) + area_b.unsqueeze(0) - overlap).clamp_min(1e-6);
  return overlap / uni;
}

Assignment assignByIou(const MaxIouAssigner& c, const torch::Tensor& boxes, const torch::Tensor& gt_boxes,
                       const torch::Tensor& gt_labels, const torch::Tensor& valid) {
  const int64_t n = boxes.size(0), g = gt_boxes.size(0);
  Assignment a;
  a.gt_index = torch::full({n}, -1, torch::kInt64);
  a.max_iou = torch::zeros({n}, torch::kFloat32);
  a.labels = torch::full({n}, -1, torch::kInt64);
  const torch::Tensor use = valid.defined() ? valid : torch::ones({n}, torch::kBool);
  if (n == 0) return a;
  if (g == 0) {
    a.gt_index.masked_fill_(use, 0);
    return a;
  }
  // IoU of the valid boxes only: an invalid box neither becomes positive nor is any object's best.
  torch::Tensor iou = boxIou(gt_boxes, boxes);  // g x n
  iou.masked_fill_(~use.unsqueeze(0), -1);
  const auto [max_iou, argmax] = iou.max(0);
  a.max_iou = max_iou.clamp_min(0);
  a.gt_index.masked_fill_((max_iou >= 0) & (max_iou < c.neg_iou_thr), 0);
  const torch::Tensor pos = max_iou >= c.pos_iou_thr;
  a.gt_index.index_put_({pos}, argmax.index({pos}) + 1);
  if (c.match_low_quality) {
    const torch::Tensor gt_max = std::get<0>(iou.max(1));
    for (int64_t i = 0; i < g; ++i) {
      const float best = gt_max[i].item<float>();
      if (best >= c.min_pos_iou) a.gt_index.masked_fill_(iou[i] == best, i + 1);
    }
  }
  const torch::Tensor matched = a.gt_index > 0;
  a.labels.index_put_({matched}, gt_labels.index({a.gt_index.index({matched}) - 1}));
  return a;
}

namespace {

// RandomSampler.random_choice: a random subset of `num` of the indices, in random order.
torch::Tensor randomChoice(const torch::Tensor& indices, int64_t num, torch::Generator& rng) {
  if (indices.numel() <= num) return indices;
  return indices.index({torch::randperm(indices.numel(), rng, torch::kInt64).slice(0, 0, num)});
}

}  // namespace

Sample sampleBoxes(const Assignment& assignment, const torch::Tensor& boxes, const torch::Tensor& gt_boxes,
                   const torch::Tensor& gt_labels, int64_t num, double pos_fraction, bool add_gt, int64_t background,
                   torch::Generator& rng) {
  torch::Tensor all = boxes, gt_index = assignment.gt_index, labels = assignment.labels;
  torch::Tensor is_gt = torch::zeros({boxes.size(0)}, torch::kBool);
  if (add_gt && gt_boxes.size(0) > 0) {
    const int64_t g = gt_boxes.size(0);
    all = torch::cat({gt_boxes, boxes});
    gt_index = torch::cat({torch::arange(1, g + 1, torch::kInt64), gt_index});
    labels = torch::cat({gt_labels, labels});
    is_gt = torch::cat({torch::ones({g}, torch::kBool), is_gt});
  }
  Sample s;
  s.positive = randomChoice(torch::nonzero(gt_index > 0).view(-1), int64_t(double(num) * pos_fraction), rng);
  s.negative = randomChoice(torch::nonzero(gt_index == 0).view(-1), num - s.positive.numel(), rng);
  const torch::Tensor chosen = torch::cat({s.positive, s.negative});
  s.boxes = all.index({chosen});
  s.pos_gt_index = gt_index.index({s.positive}) - 1;
  s.pos_is_gt = is_gt.index({s.positive});
  s.labels = torch::cat({labels.index({s.positive}), torch::full({s.negative.numel()}, background, torch::kInt64)});
  return s;
}

torch::Tensor deltaXYWHEncode(const torch::Tensor& p, const torch::Tensor& g, const std::array<float, 4>& stds) {
  const torch::Tensor pw = p.select(1, 2) - p.select(1, 0), ph = p.select(1, 3) - p.select(1, 1);
  const torch::Tensor px = (p.select(1, 0) + p.select(1, 2)) * 0.5, py = (p.select(1, 1) + p.select(1, 3)) * 0.5;
  const torch::Tensor gw = g.select(1, 2) - g.select(1, 0), gh = g.select(1, 3) - g.select(1, 1);
  const torch::Tensor gx = (g.select(1, 0) + g.select(1, 2)) * 0.5, gy = (g.select(1, 1) + g.select(1, 3)) * 0.5;
  const torch::Tensor d = torch::stack({(gx - px) / pw, (gy - py) / ph, torch::log(gw / pw), torch::log(gh / ph)}, 1);
  return d / torch::tensor({stds[0], stds[1], stds[2], stds[3]}, d.options());
}

}  // namespace revcol::train::det
