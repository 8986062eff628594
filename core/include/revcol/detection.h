#pragma once
// Cascade (Mask) R-CNN + FPN on a RevCol backbone, as mmdetection 2.23 runs it at test time.
// Plain types only (no torch, no OpenCV): the network input is an already preprocessed array; see
// detector.h for the image-level facade with mmdet's resize / normalise / pad pipeline.
//
// Threading: a DetectionModel is not thread-safe; one worker thread owns it (as RevColModel).
#include <revcol/ablation.h>
#include <revcol/architecture.h>
#include <revcol/float_array.h>
#include <revcol/model.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace revcol {

// mmdet's img_meta: sizes of the original image and of the resized image inside the padded input.
struct DetImageMeta {
  int ori_h = 0, ori_w = 0;            // original image
  int img_h = 0, img_w = 0;            // after the keep-ratio resize (boxes are clamped to this)
  float scale_w = 1.f, scale_h = 1.f;  // mmdet scale_factor (new_w / w, new_h / h), float32
};

// test_cfg of the released configs; score_thr is the one users change.
struct DetTestConfig {
  int rpn_nms_pre = 1000;  // per FPN level, before NMS
  float rpn_nms_iou = 0.7f;
  int rpn_max_proposals = 1000;
  float score_thr = 0.05f;  // strict: a score must be greater
  float nms_iou = 0.5f;     // per class
  int max_per_img = 100;
  float mask_thr = 0.5f;  // a mask pixel is set when its probability is >= this
  Ablation ablation;      // an intervention on the backbone (none by default)
};

// Which heads the checkpoint holds, read from its weights (and target stds from meta.config).
struct DetectionModelInfo {
  Architecture backbone;
  int64_t num_classes = 0;
  int num_stages = 0;           // cascade stages (1 for a plain Faster/Mask R-CNN head)
  std::string bbox_head;        // "Shared2FCBBoxHead" or "ConvFCBBoxHead(4conv1fc, BN)"
  bool class_agnostic = false;  // regression: 4 outputs instead of 4 per class
  bool with_mask = false;
  int64_t fpn_channels = 0;
  std::vector<std::array<float, 4>> target_stds;  // per stage
  std::string stds_source;                        // "config" (meta.config) or "mmdet defaults"
  std::array<int, 2> test_scale{1333, 800};       // long, short: meta.config's test img_scale, else mmdet's
  std::vector<std::string> class_names;           // meta.CLASSES, else empty
  std::vector<std::array<uint8_t, 3>> palette;    // meta.PALETTE (RGB per class), else empty
  int64_t parameter_count = 0;
  std::string device;
  std::string cpu_path;  // the backbone's: "fast fp32", "fast bf16" or "plain" (ModelInfo::cpu_path); "" on CUDA
};

struct RawDetection {
  int label = 0;  // 0-based class
  float score = 0.f;
  std::array<float, 4> box{};  // x1, y1, x2, y2 in original-image pixels
  std::vector<uint8_t> mask;   // ori_h x ori_w, 0 / 1 (empty without a mask head)
};

// Wall time of each part of one detection, in milliseconds.
struct DetectionTimings {
  double backbone_ms = 0, fpn_rpn_ms = 0, roi_heads_ms = 0, mask_ms = 0, paste_ms = 0;
};

struct DetectionOutput {
  std::vector<RawDetection> detections;  // score-descending (multiclass_nms order)
  std::array<FloatArray, 4> backbone;    // c0..c3 of the last column (C x H x W)
  // With raw=true: intermediate tensors by name (fpn.p2..p6, rpn.cls_score.l0..l4, rpn.proposals,
  // rcnn.stage{i}.cls_score / bbox_pred / rois, rcnn.cls_score_avg, det.bboxes, det.labels,
  // mask.boxes_input_scale, mask.stage{i}.logits_labelch, mask.merged_prob (the detected label's
  // channel, what is pasted) and mask.merged_prob_ch0 (channel 0)).
  std::vector<std::pair<std::string, FloatArray>> raw;
  DetectionTimings timings;
};

// Head widths of a model built with random weights (benchmarks).
struct DetHeadSizes {
  int64_t fpn_channels = 256;
  int64_t conv_channels = 256;
  int64_t fc_channels = 1024;
  int64_t num_classes = 80;
  bool conv_bbox_head = true;  // 4conv1fc with BN (the RevCol configs), else Shared2FC
  bool with_mask = true;
};

class DetectionModel {
 public:
  // Reads an mmdet checkpoint ({'meta', 'state_dict'}), infers backbone and heads from the weights
  // and loads them name for name (every shape checked, unknown head keys reported). Throws
  // revcol::Error naming the file and the problem.
  static DetectionModel load(const std::string& path, const LoadOptions& options = {});
  // Backbone of `backbone` (heads / decoders ignored) + heads of `sizes`, random weights.
  static DetectionModel random(const Architecture& backbone, const DetHeadSizes& sizes, uint64_t seed = 0,
                               const LoadOptions& options = {});

  DetectionModel(DetectionModel&&) noexcept;
  DetectionModel& operator=(DetectionModel&&) noexcept;
  ~DetectionModel();

  const DetectionModelInfo& info() const;

  // The backbone as a RevColModel (column analysis, ablations, CKA) sharing this model's network
  // and fast path: no second read of the checkpoint, no second copy of the weights. Its info is
  // what RevColModel::load reports for the same file. It stays valid after this model is gone.
  RevColModel backboneModel() const;

  // `input` is 3 x H x W, normalised, zero-padded (H, W multiples of 32) with the resized image in
  // its top-left meta.img_h x meta.img_w corner.
  DetectionOutput run(const FloatArray& input, const DetImageMeta& meta, const DetTestConfig& config = {},
                      bool raw = false);

 private:
  struct Impl;
  explicit DetectionModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace revcol
