#pragma once
// The losses of mmdetection 2.x's Cascade Mask R-CNN, with its reductions: each returns the sum of
// the element losses divided by `avg_factor` (mmdet's weight_reduce_loss with avg_factor).
#include <torch/torch.h>

namespace revcol::train::det {

// SmoothL1Loss(beta): 0.5 d^2 / beta where d = |pred - target| < beta, else d - 0.5 beta.
torch::Tensor smoothL1Loss(const torch::Tensor& pred, const torch::Tensor& target, double beta, double avg_factor);

// GIoULoss (eps 1e-6) of aligned box pairs N x 4: 1 - GIoU, where GIoU = IoU - (C - U) / C with C the
// smallest enclosing box's area.
torch::Tensor giouLoss(const torch::Tensor& pred, const torch::Tensor& target, double avg_factor);

// CrossEntropyLoss(use_sigmoid=True) of the RPN: binary cross-entropy with logits.
torch::Tensor sigmoidBceLoss(const torch::Tensor& logits, const torch::Tensor& target, double avg_factor);

// CrossEntropyLoss(use_sigmoid=False): softmax cross-entropy of N x (classes + 1) logits.
torch::Tensor softmaxCeLoss(const torch::Tensor& logits, const torch::Tensor& labels, double avg_factor);

}  // namespace revcol::train::det
