#include "train/fcn_aux_head.h"

namespace revcol::train {

FcnAuxHeadImpl::FcnAuxHeadImpl(int64_t in, int64_t channels, int64_t classes) {
  auto convs = register_module("convs", std::make_shared<torch::nn::Module>());
  conv_ = convs->register_module("0", ConvBnRelu(in, channels, 3));
  conv_seg_ = register_module("conv_seg", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, classes, 1)));
}

torch::Tensor FcnAuxHeadImpl::forward(const torch::Tensor& c2) {
  // Dropout(0.1) of mmseg's head is left out: the generated data never repeats.
  return conv_seg_(conv_(c2));
}

}  // namespace revcol::train
