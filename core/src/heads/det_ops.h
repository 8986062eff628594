#pragma once
// The detection operators libtorch lacks, with the semantics of mmcv 1.5.0 / mmdet 2.23 (the
// versions RevCol's detection checkpoints were trained and evaluated with): RoIAlign, NMS,
// batched NMS, the DeltaXYWH box coder, anchors and the SingleRoIExtractor level mapping.
// CPU kernels in plain C++ (float32); tensors on another device are moved to the CPU and back.
#include <torch/types.h>

#include <array>
#include <utility>
#include <vector>

namespace revcol::det {

// mmcv RoIAlign, pool_mode 'avg'. feats: N x C x H x W float32; rois: K x 5 (batch index, x1, y1,
// x2, y2 in input pixels). aligned=true shifts the RoI by -0.5 (pixel centres) and lets it be
// empty; sampling_ratio 0 samples ceil(roi size / output size) points per bin and axis.
// Returns K x C x out_h x out_w. Samples outside [-1, size] contribute 0 (mmcv's border rule).
// Differentiable in `feats` when they require a gradient (mmcv's roi_align backward: the RoIs get
// none), so trainers extract RoI features with the same operator.
torch::Tensor roiAlign(const torch::Tensor& feats, const torch::Tensor& rois, int64_t out_h, int64_t out_w,
                       float spatial_scale, int sampling_ratio, bool aligned);

// mmcv nms (offset 0): indices of the kept boxes, in descending score order. A box is dropped when
// its IoU with a kept, higher-scored box is strictly greater than iou_threshold.
torch::Tensor nms(const torch::Tensor& boxes, const torch::Tensor& scores, float iou_threshold);

// mmcv batched_nms: boxes of different idxs never suppress each other (coordinate offsets per idx,
// as mmcv adds them; one NMS below 10000 boxes, one per idx above, then a score sort).
// Returns (dets K x 5 = box + score, keep indices into the inputs).
std::pair<torch::Tensor, torch::Tensor> batchedNms(const torch::Tensor& boxes, const torch::Tensor& scores,
                                                   const torch::Tensor& idxs, float iou_threshold);

// mmdet delta2bbox: rois N x 4, deltas N x 4k -> N x 4k boxes, clamped to [0, max_w] x [0, max_h]
// when max_h/max_w > 0 (img_shape, not the padded shape).
torch::Tensor deltaXYWHDecode(const torch::Tensor& rois, const torch::Tensor& deltas, const std::array<float, 4>& stds,
                              int64_t max_h, int64_t max_w);

// mmdet AnchorGenerator (center offset 0, scale-major): anchors of one level, (H*W*A) x 4 in the
// order (y, x, anchor), A = ratios x scales.
torch::Tensor gridAnchors(int64_t stride, const std::vector<float>& ratios, const std::vector<float>& scales,
                          int64_t feat_h, int64_t feat_w);

// mmdet SingleRoIExtractor: level floor(log2(sqrt(w*h)/56 + 1e-6)) clamped to 0..levels-1, then
// RoIAlign (aligned, sampling 0) of each RoI on its level's map (stride strides[level]).
torch::Tensor roiLevels(const torch::Tensor& rois, int64_t num_levels);
torch::Tensor extractRoiFeatures(const std::vector<torch::Tensor>& feats, const std::vector<int64_t>& strides,
                                 const torch::Tensor& rois, int64_t out_size);

}  // namespace revcol::det
