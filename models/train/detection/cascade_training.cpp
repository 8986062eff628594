#include "train/detection/cascade_training.h"

#include <revcol/error.h>

#include "heads/det_ops.h"
#include "train/detection/box_targets.h"
#include "train/detection/det_losses.h"

namespace revcol::train::det {
namespace {

namespace ops = ::revcol::det;

// The RPN's classification logits and deltas of image i over all levels, in the anchors' order
// (level, y, x, anchor), with the anchors.
struct RpnOutputs {
  std::vector<torch::Tensor> logits, deltas;  // per image: A_total, A_total x 4
  torch::Tensor anchors;                      // A_total x 4
};

RpnOutputs rpnOutputs(::revcol::det::CascadeMaskRCNNImpl& model, const std::vector<torch::Tensor>& feats) {
  const ::revcol::det::CascadeConfig& c = model.config();
  const int64_t n = feats[0].size(0);
  std::vector<torch::Tensor> logits, deltas, anchors;
  for (size_t l = 0; l < feats.size(); ++l) {
    auto [cls, reg] = model.rpn()->forward(feats[l]);
    logits.push_back(cls.permute({0, 2, 3, 1}).reshape({n, -1}));
    deltas.push_back(reg.permute({0, 2, 3, 1}).reshape({n, -1, 4}));
    anchors.push_back(
        ops::gridAnchors(c.anchor_strides[l], c.anchor_ratios, c.anchor_scales, cls.size(2), cls.size(3)));
  }
  RpnOutputs out;
  const torch::Tensor all_logits = torch::cat(logits, 1), all_deltas = torch::cat(deltas, 1);
  for (int64_t i = 0; i < n; ++i) out.logits.push_back(all_logits[i]), out.deltas.push_back(all_deltas[i]);
  out.anchors = torch::cat(anchors);
  return out;
}

void rpnLosses(const RpnOutputs& rpn, const DetectionBatch& batch, int64_t size, const CascadeTrainConfig& config,
               torch::Generator& rng, CascadeLosses& out) {
  const MaxIouAssigner assigner{0.7, 0.3, 0.3, true};
  // anchor_inside_flags with allowed_border 0.
  const torch::Tensor& a = rpn.anchors;
  const torch::Tensor inside =
      (a.select(1, 0) >= 0) & (a.select(1, 1) >= 0) & (a.select(1, 2) < double(size)) & (a.select(1, 3) < double(size));
  std::vector<torch::Tensor> cls_pred, cls_target, box_pred, box_target;
  int64_t samples = 0;
  for (size_t i = 0; i < batch.objects.size(); ++i) {
    const SceneObjects& o = batch.objects[i];
    const Assignment as = assignByIou(assigner, a, o.boxes, torch::zeros_like(o.labels), inside);
    const Sample s = sampleBoxes(as, a, o.boxes, o.labels, config.rpn_samples, 0.5, false, 1, rng);
    const torch::Tensor chosen = torch::cat({s.positive, s.negative});
    cls_pred.push_back(rpn.logits[i].index({chosen}));
    cls_target.push_back(torch::cat({torch::ones({s.positive.numel()}), torch::zeros({s.negative.numel()})}));
    if (s.positive.numel() > 0) {
      box_pred.push_back(rpn.deltas[i].index({s.positive}));
      box_target.push_back(
          deltaXYWHEncode(a.index({s.positive}), o.boxes.index({s.pos_gt_index}), {1.f, 1.f, 1.f, 1.f}));
    }
    samples += chosen.numel();
  }
  const double avg = double(std::max<int64_t>(samples, 1));
  const torch::Tensor cls = sigmoidBceLoss(torch::cat(cls_pred), torch::cat(cls_target), avg);
  torch::Tensor box = torch::zeros({});
  if (!box_pred.empty()) box = smoothL1Loss(torch::cat(box_pred), torch::cat(box_target), 1.0 / 9, avg);
  out.total = out.total.defined() ? out.total + cls + box : cls + box;
  out.parts["rpn_cls"] = cls.item<double>();
  out.parts["rpn_bbox"] = box.item<double>();
}

// mmdet's class-specific deltas of each RoI's label (all of them when class-agnostic).
torch::Tensor deltasOfLabel(const torch::Tensor& deltas, const torch::Tensor& labels) {
  if (deltas.size(1) == 4) return deltas;
  const torch::Tensor l = labels * 4;
  return torch::gather(deltas, 1, torch::stack({l, l + 1, l + 2, l + 3}, 1));
}

}  // namespace

CascadeLosses cascadeTrainingLosses(::revcol::det::CascadeMaskRCNNImpl& model, const std::vector<torch::Tensor>& levels,
                                    const DetectionBatch& batch, const CascadeTrainConfig& config,
                                    torch::Generator& rng) {
  const ::revcol::det::CascadeConfig& c = model.config();
  const int64_t size = batch.images.size(2), n = batch.images.size(0);
  const std::vector<torch::Tensor> feats = model.neck()->forward(levels);
  CascadeLosses out;
  rpnLosses(rpnOutputs(model, feats), batch, size, config, rng, out);

  // Proposals from the RPN without gradient, as mmdet's simple_test_rpn inside forward_train.
  std::vector<torch::Tensor> proposals;
  {
    torch::NoGradGuard no_grad;
    DetImageMeta meta;
    meta.ori_h = meta.img_h = int(size);
    meta.ori_w = meta.img_w = int(size);
    DetTestConfig cfg;
    cfg.rpn_nms_pre = config.rpn_nms_pre;
    cfg.rpn_max_proposals = config.rpn_max_proposals;
    for (int64_t i = 0; i < n; ++i) {
      std::vector<torch::Tensor> one;
      for (const torch::Tensor& f : feats) one.push_back(f.slice(0, i, i + 1).detach());
      proposals.push_back(model.proposals(one, meta, cfg).slice(1, 0, 4));
    }
  }

  const std::vector<torch::Tensor> roi_feats(feats.begin(), feats.begin() + int64_t(c.roi_strides.size()));
  auto& bbox_heads = model.bboxHeads();
  auto& mask_heads = model.maskHeads();
  for (size_t stage = 0; stage < bbox_heads.size(); ++stage) {
    const int64_t num_classes = bbox_heads[stage]->config().num_classes;
    const double iou = config.stage_iou[stage], weight = config.stage_weight[stage];
    const MaxIouAssigner assigner{iou, iou, iou, false};
    std::vector<torch::Tensor> rois, labels, pos_gt_boxes, pos_masks_rois, pos_mask_targets, pos_labels_all;
    std::vector<torch::Tensor> is_gt;
    std::vector<int64_t> per_image, pos_count;
    for (int64_t i = 0; i < n; ++i) {
      const SceneObjects& o = batch.objects[size_t(i)];
      const Assignment as = assignByIou(assigner, proposals[size_t(i)], o.boxes, o.labels);
      const Sample s =
          sampleBoxes(as, proposals[size_t(i)], o.boxes, o.labels, config.roi_samples, 0.25, true, num_classes, rng);
      rois.push_back(torch::cat({torch::full({s.boxes.size(0), 1}, float(i)), s.boxes}, 1));
      labels.push_back(s.labels);
      const int64_t p = s.positive.numel();
      pos_gt_boxes.push_back(o.boxes.index({s.pos_gt_index}));
      is_gt.push_back(s.pos_is_gt);
      per_image.push_back(s.boxes.size(0));
      pos_count.push_back(p);
      if (!mask_heads.empty() && p > 0) {
        // mask_target: the object's binary mask cropped to the positive RoI by RoIAlign (aligned,
        // 28 x 28), then >= 0.5.
        const torch::Tensor pos_boxes = s.boxes.slice(0, 0, p);
        const torch::Tensor index = torch::arange(p, torch::kFloat32).unsqueeze(1);
        const torch::Tensor crops =
            ops::roiAlign(o.masks.index({s.pos_gt_index}).unsqueeze(1), torch::cat({index, pos_boxes}, 1),
                          config.mask_size, config.mask_size, 1.f, 0, true);
        pos_mask_targets.push_back((crops.squeeze(1) >= 0.5).to(torch::kFloat32));
        pos_masks_rois.push_back(torch::cat({torch::full({p, 1}, float(i)), pos_boxes}, 1));
        pos_labels_all.push_back(s.labels.slice(0, 0, p));
      }
    }
    const torch::Tensor all_rois = torch::cat(rois), all_labels = torch::cat(labels);
    const torch::Tensor box_feats = ops::extractRoiFeatures(roi_feats, c.roi_strides, all_rois, 7);
    auto [cls_score, bbox_pred] = bbox_heads[stage]->forward(box_feats);
    const double avg = double(all_rois.size(0));
    const torch::Tensor loss_cls = softmaxCeLoss(cls_score, all_labels, avg);
    // Positives: the first pos_count rows of every image's block.
    std::vector<torch::Tensor> pos_rows;
    int64_t offset = 0;
    for (size_t i = 0; i < per_image.size(); ++i) {
      pos_rows.push_back(torch::arange(offset, offset + pos_count[i], torch::kInt64));
      offset += per_image[i];
    }
    const torch::Tensor pos = torch::cat(pos_rows);
    torch::Tensor loss_box = torch::zeros({});
    if (pos.numel() > 0) {
      const torch::Tensor pos_deltas = deltasOfLabel(bbox_pred.index({pos}), all_labels.index({pos}));
      const torch::Tensor decoded =
          ops::deltaXYWHDecode(all_rois.index({pos}).slice(1, 1, 5), pos_deltas, c.stage_stds[stage], 0, 0);
      loss_box = giouLoss(decoded, torch::cat(pos_gt_boxes), avg) * config.giou_weight;
    }
    torch::Tensor stage_loss = loss_cls + loss_box;
    const std::string tag = "s" + std::to_string(stage) + ".";
    out.parts[tag + "cls"] = loss_cls.item<double>();
    out.parts[tag + "bbox"] = loss_box.item<double>();
    out.parts[tag + "acc"] = cls_score.argmax(1).eq(all_labels).to(torch::kFloat32).mean().item<double>();
    if (!mask_heads.empty() && !pos_masks_rois.empty()) {
      const torch::Tensor mask_rois = torch::cat(pos_masks_rois), mask_labels = torch::cat(pos_labels_all);
      const torch::Tensor mask_feats = ops::extractRoiFeatures(roi_feats, c.roi_strides, mask_rois, 14);
      torch::Tensor logits = mask_heads[stage]->forward(mask_feats);
      if (logits.size(1) > 1)
        logits = logits.index({torch::arange(logits.size(0), torch::kInt64), mask_labels});
      else
        logits = logits.select(1, 0);
      const torch::Tensor loss_mask =
          torch::nn::functional::binary_cross_entropy_with_logits(logits, torch::cat(pos_mask_targets));
      stage_loss = stage_loss + loss_mask;
      out.parts[tag + "mask"] = loss_mask.item<double>();
    }
    out.total = out.total + stage_loss * weight;

    if (stage + 1 == bbox_heads.size()) break;
    // refine_bboxes: each RoI moved by the deltas of its label (the predicted class for
    // background RoIs), clamped to the image; the objects added as proposals are dropped.
    torch::NoGradGuard no_grad;
    const torch::Tensor predicted = cls_score.slice(1, 0, num_classes).argmax(1);
    const torch::Tensor roi_labels = torch::where(all_labels == num_classes, predicted, all_labels);
    const torch::Tensor refined = ops::deltaXYWHDecode(all_rois.slice(1, 1, 5), deltasOfLabel(bbox_pred, roi_labels),
                                                       c.stage_stds[stage], size, size);
    offset = 0;
    for (size_t i = 0; i < per_image.size(); ++i) {
      torch::Tensor keep = torch::ones({per_image[i]}, torch::kBool);
      keep.slice(0, 0, pos_count[i]).copy_(~is_gt[i]);
      proposals[i] = refined.slice(0, offset, offset + per_image[i]).index({keep});
      offset += per_image[i];
    }
  }
  out.parts["total"] = out.total.item<double>();
  return out;
}

}  // namespace revcol::train::det
