#pragma once
// Cascade Mask R-CNN test-time forward (mmdet 2.23 CascadeRCNN.simple_test with rescale=True):
// backbone -> FPN -> RPN proposals -> cascade bbox stages -> multiclass NMS -> mask heads -> paste.
#include <revcol/detection.h>

#include <array>
#include <map>
#include <string>
#include <vector>

#include "heads/det_modules.h"
#include "nn/fast_revcol.h"
#include "nn/revcol_net.h"

#include <memory>

namespace revcol::det {

struct CascadeConfig {
  std::vector<float> anchor_ratios{0.5f, 1.f, 2.f};
  std::vector<float> anchor_scales{8.f};
  std::vector<int64_t> anchor_strides{4, 8, 16, 32, 64};
  std::vector<int64_t> roi_strides{4, 8, 16, 32};
  std::vector<std::array<float, 4>> stage_stds;  // one per stage
};

// Intermediate tensors of one forward (all batch-1, batch dim dropped), for --raw and tests.
using Trace = std::vector<std::pair<std::string, torch::Tensor>>;

struct CascadeResult {
  torch::Tensor boxes;   // K x 4, original-image pixels
  torch::Tensor scores;  // K
  torch::Tensor labels;  // K (int64)
  torch::Tensor masks;   // K x ori_h x ori_w bool (undefined without mask heads)
  Levels backbone;
  DetectionTimings timings;
};

class CascadeMaskRCNNImpl : public torch::nn::Module {
 public:
  CascadeMaskRCNNImpl(const Architecture& backbone, const std::vector<int64_t>& fpn_in, int64_t fpn_channels,
                      int64_t num_anchors, const std::vector<BBoxHeadConfig>& stages,
                      const std::vector<MaskHeadConfig>& masks, CascadeConfig config);

  // input 1 x 3 x H x W. Call under NoGradGuard. `trace` (optional) receives intermediates.
  CascadeResult forward(const torch::Tensor& input, const DetImageMeta& meta, const DetTestConfig& cfg,
                        Trace* trace = nullptr);

  RevColNet& backbone() { return backbone_; }
  // Runs the backbone on this fast path (checkedFastPath of backbone()) from now on; null: the
  // plain modules.
  void useFastBackbone(std::shared_ptr<FastRevColNet> fast) { fast_backbone_ = std::move(fast); }
  const std::shared_ptr<FastRevColNet>& fastBackbone() const { return fast_backbone_; }
  FPN& neck() { return neck_; }
  RPNHead& rpn() { return rpn_; }
  std::vector<BBoxHead>& bboxHeads() { return bbox_heads_; }
  std::vector<MaskHead>& maskHeads() { return mask_heads_; }
  const CascadeConfig& config() const { return config_; }

  // RPN proposals of one image (feats: FPN levels of batch 1): top rpn_nms_pre per level, decoded,
  // batched NMS per level, at most rpn_max_proposals; K x 5 (box, score). The trainer calls it
  // with its rpn_proposal settings.
  torch::Tensor proposals(const std::vector<torch::Tensor>& feats, const DetImageMeta& meta, const DetTestConfig& cfg,
                          Trace* trace = nullptr);

 private:
  torch::Tensor pasteMasks(const torch::Tensor& probs, const torch::Tensor& boxes, int img_h, int img_w,
                           float threshold);

  CascadeConfig config_;
  RevColNet backbone_{nullptr};
  std::shared_ptr<FastRevColNet> fast_backbone_;
  FPN neck_{nullptr};
  RPNHead rpn_{nullptr};
  std::vector<BBoxHead> bbox_heads_;
  std::vector<MaskHead> mask_heads_;
};
TORCH_MODULE(CascadeMaskRCNN);

}  // namespace revcol::det
