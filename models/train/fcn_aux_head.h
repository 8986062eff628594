#pragma once
// mmseg FCNHead(num_convs=1, concat_input=False) on c2: the auxiliary head of the official
// UperNet-RevCol configs (loss weight 0.4). Training only: the inference loader ignores
// auxiliary_head.*, as mmseg does at test time. Children named like mmseg's (convs.0, conv_seg).
#include "heads/seg_upernet.h"

namespace revcol::train {

class FcnAuxHeadImpl : public torch::nn::Module {
 public:
  FcnAuxHeadImpl(int64_t in, int64_t channels, int64_t classes);
  torch::Tensor forward(const torch::Tensor& c2);

 private:
  ConvBnRelu conv_{nullptr};
  torch::nn::Conv2d conv_seg_{nullptr};
};
TORCH_MODULE(FcnAuxHead);

}  // namespace revcol::train
