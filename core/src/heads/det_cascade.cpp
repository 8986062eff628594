#include "heads/det_cascade.h"

#include <revcol/error.h>
#include <torch/cuda.h>
#include <torch/nn/functional/vision.h>

#include <chrono>

#include "heads/det_ops.h"

namespace revcol::det {
namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0, const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize();
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// mmdet bbox_head.regress_by_class: the deltas of each RoI's predicted class (or the only ones)
// applied to the RoI, clamped to the resized image.
torch::Tensor regressByClass(const torch::Tensor& rois, const torch::Tensor& labels, const torch::Tensor& deltas,
                             const std::array<float, 4>& stds, const DetImageMeta& meta) {
  torch::Tensor d = deltas;
  if (d.size(1) != 4) {
    const torch::Tensor l = labels * 4;
    d = torch::gather(d, 1, torch::stack({l, l + 1, l + 2, l + 3}, 1));
  }
  const torch::Tensor boxes = deltaXYWHDecode(rois.slice(1, 1, 5), d, stds, meta.img_h, meta.img_w);
  return torch::cat({rois.slice(1, 0, 1), boxes}, 1);
}

}  // namespace

CascadeMaskRCNNImpl::CascadeMaskRCNNImpl(const Architecture& backbone, const std::vector<int64_t>& fpn_in,
                                         int64_t fpn_channels, int64_t num_anchors,
                                         const std::vector<BBoxHeadConfig>& stages,
                                         const std::vector<MaskHeadConfig>& masks, CascadeConfig config)
    : config_(std::move(config)) {
  if (stages.empty()) throw Error("a detection model needs at least one bbox head");
  if (config_.stage_stds.size() != stages.size()) throw Error("one set of target stds per stage is needed");
  if (!masks.empty() && masks.size() != stages.size())
    throw Error("expected one mask head per cascade stage, found " + std::to_string(masks.size()) + " for " +
                std::to_string(stages.size()) + " stages");
  backbone_ = register_module("backbone", RevColNet(backbone));
  neck_ = register_module("neck", FPN(fpn_in, fpn_channels, int(config_.anchor_strides.size())));
  rpn_ = register_module("rpn_head", RPNHead(fpn_channels, fpn_channels, num_anchors));
  auto roi_head = register_module("roi_head", std::make_shared<torch::nn::Module>());
  torch::nn::ModuleList bbox_list, mask_list;
  for (const BBoxHeadConfig& c : stages) {
    bbox_heads_.emplace_back(c);
    bbox_list->push_back(bbox_heads_.back());
  }
  for (const MaskHeadConfig& c : masks) {
    mask_heads_.emplace_back(c);
    mask_list->push_back(mask_heads_.back());
  }
  roi_head->register_module("bbox_head", bbox_list);
  if (!masks.empty()) roi_head->register_module("mask_head", mask_list);
}

torch::Tensor CascadeMaskRCNNImpl::proposals(const std::vector<torch::Tensor>& feats, const DetImageMeta& meta,
                                             const DetTestConfig& cfg, Trace* trace) {
  std::vector<torch::Tensor> scores, deltas, anchors, ids;
  for (size_t l = 0; l < feats.size(); ++l) {
    auto [cls, reg] = rpn_->forward(feats[l]);
    if (trace) trace->emplace_back("rpn.cls_score.l" + std::to_string(l), cls[0]);
    torch::Tensor s = cls[0].permute({1, 2, 0}).reshape(-1).sigmoid();
    torch::Tensor d = reg[0].permute({1, 2, 0}).reshape({-1, 4});
    torch::Tensor a =
        gridAnchors(config_.anchor_strides[l], config_.anchor_ratios, config_.anchor_scales, cls.size(2), cls.size(3))
            .to(s.device());
    if (cfg.rpn_nms_pre > 0 && cfg.rpn_nms_pre < s.size(0)) {
      auto [ranked, order] = s.sort(0, /*descending=*/true);
      const torch::Tensor top = order.slice(0, 0, cfg.rpn_nms_pre);
      s = ranked.slice(0, 0, cfg.rpn_nms_pre);
      d = d.index_select(0, top);
      a = a.index_select(0, top);
    }
    ids.push_back(torch::full({s.size(0)}, int64_t(l), torch::dtype(torch::kLong).device(s.device())));
    scores.push_back(s);
    deltas.push_back(d);
    anchors.push_back(a);
  }
  torch::Tensor s = torch::cat(scores), idx = torch::cat(ids);
  torch::Tensor boxes =
      deltaXYWHDecode(torch::cat(anchors), torch::cat(deltas), {1.f, 1.f, 1.f, 1.f}, meta.img_h, meta.img_w);
  // min_bbox_size 0: boxes of zero width or height are dropped.
  const torch::Tensor valid =
      (boxes.select(1, 2) - boxes.select(1, 0) > 0) & (boxes.select(1, 3) - boxes.select(1, 1) > 0);
  if (!valid.all().item<bool>()) {
    const torch::Tensor keep = valid.nonzero().view(-1);
    boxes = boxes.index_select(0, keep);
    s = s.index_select(0, keep);
    idx = idx.index_select(0, keep);
  }
  torch::Tensor dets = batchedNms(boxes, s, idx, cfg.rpn_nms_iou).first;
  dets = dets.slice(0, 0, cfg.rpn_max_proposals);
  if (trace) trace->emplace_back("rpn.proposals", dets);
  return dets;
}

torch::Tensor CascadeMaskRCNNImpl::pasteMasks(const torch::Tensor& probs, const torch::Tensor& boxes, int img_h,
                                              int img_w, float threshold) {
  namespace F = torch::nn::functional;
  const int64_t n = probs.size(0);
  torch::Tensor out = torch::zeros({n, img_h, img_w}, torch::dtype(torch::kBool).device(probs.device()));
  const torch::Tensor b = boxes.to(torch::kCPU).contiguous();
  const auto f32 = torch::dtype(torch::kFloat32).device(probs.device());
  for (int64_t i = 0; i < n; ++i) {
    // mmdet _do_paste_mask with skip_empty (its CPU path): only the box's window (+1 pixel) is
    // sampled, with grid_sample (bilinear, zero padding, align_corners=False).
    const float x0 = b[i][0].item<float>(), y0 = b[i][1].item<float>();
    const float x1 = b[i][2].item<float>(), y1 = b[i][3].item<float>();
    const int x0i = int(std::max(std::floor(x0) - 1.f, 0.f)), y0i = int(std::max(std::floor(y0) - 1.f, 0.f));
    const int x1i = int(std::min(std::ceil(x1) + 1.f, float(img_w)));
    const int y1i = int(std::min(std::ceil(y1) + 1.f, float(img_h)));
    if (x1i <= x0i || y1i <= y0i) continue;
    torch::Tensor ys = torch::arange(y0i, y1i, f32) + 0.5;
    torch::Tensor xs = torch::arange(x0i, x1i, f32) + 0.5;
    ys = (ys - y0) / (y1 - y0) * 2 - 1;
    xs = (xs - x0) / (x1 - x0) * 2 - 1;
    ys.masked_fill_(ys.isinf(), 0);
    xs.masked_fill_(xs.isinf(), 0);
    const torch::Tensor gx = xs.view({1, 1, -1}).expand({1, ys.size(0), xs.size(0)});
    const torch::Tensor gy = ys.view({1, -1, 1}).expand({1, ys.size(0), xs.size(0)});
    const torch::Tensor grid = torch::stack({gx, gy}, 3);
    const torch::Tensor sampled = F::grid_sample(
        probs[i].view({1, 1, probs.size(1), probs.size(2)}), grid,
        F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false));
    using torch::indexing::Slice;
    out[i].index_put_({Slice(y0i, y1i), Slice(x0i, x1i)}, sampled[0][0] >= threshold);
  }
  return out;
}

CascadeResult CascadeMaskRCNNImpl::forward(const torch::Tensor& input, const DetImageMeta& meta,
                                           const DetTestConfig& cfg, Trace* trace) {
  CascadeResult result;
  const torch::Device device = input.device();
  auto t0 = Clock::now();
  ForwardOptions fo;
  fo.heads = false;
  fo.decoders = false;
  fo.ablation = &cfg.ablation;
  const ForwardResult bb = fast_backbone_ ? fast_backbone_->forward(input, fo) : backbone_->forward(input, fo);
  result.backbone = bb.last;
  result.timings.backbone_ms = msSince(t0, device);
  if (trace)
    for (int l = 0; l < 4; ++l) trace->emplace_back("backbone.c" + std::to_string(l), bb.last[size_t(l)][0]);

  t0 = Clock::now();
  const std::vector<torch::Tensor> feats = neck_->forward({bb.last[0], bb.last[1], bb.last[2], bb.last[3]});
  if (trace)
    for (size_t l = 0; l < feats.size(); ++l) trace->emplace_back("fpn.p" + std::to_string(l + 2), feats[l][0]);
  const torch::Tensor props = proposals(feats, meta, cfg, trace);
  result.timings.fpn_rpn_ms = msSince(t0, device);

  t0 = Clock::now();
  // RoIAlign reads NCHW storage. The FPN's outputs are channels-last (as are its inputs, the fast
  // path's levels): converted once here instead of inside each of the 6 stages x 4 levels RoIAlign
  // calls (RevCol-T at 800 x 1344: 0.47 s of copies per image).
  std::vector<torch::Tensor> roi_feats;
  for (size_t l = 0; l < config_.roi_strides.size(); ++l) roi_feats.push_back(feats[l].contiguous());
  torch::Tensor rois = torch::cat({torch::zeros({props.size(0), 1}, props.options()), props.slice(1, 0, 4)}, 1);
  const size_t stages = bbox_heads_.size();
  torch::Tensor cls_sum, last_deltas;
  for (size_t i = 0; i < stages; ++i) {
    const torch::Tensor x = extractRoiFeatures(roi_feats, config_.roi_strides, rois, 7);
    auto [cls, deltas] = bbox_heads_[i]->forward(x);
    const std::string p = "rcnn.stage" + std::to_string(i);
    if (trace) {
      trace->emplace_back(p + ".rois", rois);
      trace->emplace_back(p + ".cls_score", cls);
      trace->emplace_back(p + ".bbox_pred", deltas);
    }
    cls_sum = i == 0 ? cls : cls_sum + cls;
    last_deltas = deltas;
    if (i + 1 < stages && rois.size(0) > 0) {
      const torch::Tensor labels = cls.slice(1, 0, cls.size(1) - 1).argmax(1);
      rois = regressByClass(rois, labels, deltas, config_.stage_stds[i], meta);
    }
  }
  const torch::Tensor cls_avg = cls_sum / double(stages);
  if (trace) {
    trace->emplace_back("rcnn.final_rois", rois);
    trace->emplace_back("rcnn.cls_score_avg", cls_avg);
  }
  // get_bboxes: softmax of the averaged logits, last stage's boxes, rescaled to the original image.
  const torch::Tensor scores = torch::softmax(cls_avg, -1);
  const int64_t n = rois.size(0), num_classes = scores.size(1) - 1;
  const torch::Tensor scale = torch::tensor({meta.scale_w, meta.scale_h, meta.scale_w, meta.scale_h},
                                            torch::dtype(torch::kFloat32).device(device));
  torch::Tensor boxes =
      deltaXYWHDecode(rois.slice(1, 1, 5), last_deltas, config_.stage_stds.back(), meta.img_h, meta.img_w);
  boxes = (boxes.view({n, -1, 4}) / scale).view({n, -1});
  // multiclass_nms: every (RoI, class) pair with score > thr, per-class NMS, best max_per_img.
  torch::Tensor cand_boxes =
      boxes.size(1) > 4 ? boxes.view({n, -1, 4}) : boxes.unsqueeze(1).expand({n, num_classes, 4});
  cand_boxes = cand_boxes.reshape({-1, 4});
  torch::Tensor cand_scores = scores.slice(1, 0, num_classes).reshape(-1);
  torch::Tensor cand_labels = torch::arange(num_classes, torch::dtype(torch::kLong).device(device))
                                  .view({1, -1})
                                  .expand({n, num_classes})
                                  .reshape(-1);
  const torch::Tensor valid = (cand_scores > cfg.score_thr).nonzero().view(-1);
  cand_boxes = cand_boxes.index_select(0, valid);
  cand_scores = cand_scores.index_select(0, valid);
  cand_labels = cand_labels.index_select(0, valid);
  auto [dets, keep] = batchedNms(cand_boxes, cand_scores, cand_labels, cfg.nms_iou);
  if (cfg.max_per_img > 0) {
    dets = dets.slice(0, 0, cfg.max_per_img);
    keep = keep.slice(0, 0, cfg.max_per_img);
  }
  result.boxes = dets.slice(1, 0, 4);
  result.scores = dets.select(1, 4);
  result.labels = cand_labels.index_select(0, keep);
  if (trace) {
    trace->emplace_back("det.bboxes", dets);
    trace->emplace_back("det.labels", result.labels);
  }
  result.timings.roi_heads_ms = msSince(t0, device);

  if (!mask_heads_.empty() && dets.size(0) > 0) {
    t0 = Clock::now();
    const torch::Tensor input_boxes = result.boxes * scale;  // mmdet: det boxes x scale_factor
    if (trace) trace->emplace_back("mask.boxes_input_scale", input_boxes);
    const torch::Tensor mask_rois =
        torch::cat({torch::zeros({input_boxes.size(0), 1}, input_boxes.options()), input_boxes}, 1);
    const torch::Tensor x = extractRoiFeatures(roi_feats, config_.roi_strides, mask_rois, 14);
    torch::Tensor prob_sum;
    const int64_t k = dets.size(0);
    const torch::Tensor rows = torch::arange(k, torch::dtype(torch::kLong).device(device));
    const bool agnostic = mask_heads_[0]->config().num_classes == 1;
    const torch::Tensor channel = agnostic ? torch::zeros_like(result.labels) : result.labels;
    for (size_t i = 0; i < mask_heads_.size(); ++i) {
      const torch::Tensor logits = mask_heads_[i]->forward(x);
      if (trace)
        trace->emplace_back("mask.stage" + std::to_string(i) + ".logits_labelch", logits.index({rows, channel}));
      const torch::Tensor prob = logits.sigmoid();
      prob_sum = i == 0 ? prob : prob_sum + prob;
    }
    const torch::Tensor merged = (prob_sum / double(mask_heads_.size())).index({rows, channel});
    if (trace) trace->emplace_back("mask.merged_prob", merged);
    // Channel 0 of the merged probabilities: what the reference dump of mmdet stored as merged_prob.
    if (trace) trace->emplace_back("mask.merged_prob_ch0", (prob_sum / double(mask_heads_.size())).select(1, 0));
    result.timings.mask_ms = msSince(t0, device);
    t0 = Clock::now();
    result.masks = pasteMasks(merged, input_boxes / scale, meta.ori_h, meta.ori_w, cfg.mask_thr);
    result.timings.paste_ms = msSince(t0, device);
  }
  return result;
}

}  // namespace revcol::det
