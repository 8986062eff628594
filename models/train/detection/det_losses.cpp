#include "train/detection/det_losses.h"

namespace revcol::train::det {

namespace F = torch::nn::functional;

torch::Tensor smoothL1Loss(const torch::Tensor& pred, const torch::Tensor& target, double beta, double avg_factor) {
  const torch::Tensor d = (pred - target).abs();
  return torch::where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta).sum() / avg_factor;
}

torch::Tensor giouLoss(const torch::Tensor& pred, const torch::Tensor& target, double avg_factor) {
  const double eps = 1e-6;
  const auto area = [](const torch::Tensor& b) {
    return (b.select(1, 2) - b.select(1, 0)) * (b.select(1, 3) - b.select(1, 1));
  };
  const torch::Tensor lt = torch::max(pred.slice(1, 0, 2), target.slice(1, 0, 2));
  const torch::Tensor rb = torch::min(pred.slice(1, 2, 4), target.slice(1, 2, 4));
  const torch::Tensor wh = (rb - lt).clamp_min(0);
  const torch::Tensor overlap = wh.select(1, 0) * wh.select(1, 1);
  const torch::Tensor uni = (area(pred) + area(target) - overlap).clamp_min(eps);
  const torch::Tensor enclose_wh =
      (torch::max(pred.slice(1, 2, 4), target.slice(1, 2, 4)) - torch::min(pred.slice(1, 0, 2), target.slice(1, 0, 2)))
          .clamp_min(0);
  const torch::Tensor enclose = (enclose_wh.select(1, 0) * enclose_wh.select(1, 1)).clamp_min(eps);
  const torch::Tensor giou = overlap / uni - (enclose - uni) / enclose;
  return (1 - giou).sum() / avg_factor;
}

torch::Tensor sigmoidBceLoss(const torch::Tensor& logits, const torch::Tensor& target, double avg_factor) {
  return F::binary_cross_entropy_with_logits(logits, target,
                                             F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kSum)) /
         avg_factor;
}

torch::Tensor softmaxCeLoss(const torch::Tensor& logits, const torch::Tensor& labels, double avg_factor) {
  return F::cross_entropy(logits, labels, F::CrossEntropyFuncOptions().reduction(torch::kSum)) / avg_factor;
}

}  // namespace revcol::train::det
