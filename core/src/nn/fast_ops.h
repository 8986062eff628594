#pragma once
// Operations of the fast RevCol path on channels-last activations: every feature map is an
// N x H x W x C contiguous tensor ("NHWC"), so 1x1 convolutions and Linear layers are plain matrix
// products over N*H*W rows and no permute copies are made between blocks. Inference only (no
// autograd); float32, with an optional bfloat16 MLP (Block).
#include "nn/onednn.h"

#include <ATen/ATen.h>

namespace revcol::fast {

// N x C x H x W view of an NHWC tensor (channels-last strides, no copy) and back. toNhwc copies
// only when `nchw` is not already channels-last.
at::Tensor nchwView(const at::Tensor& nhwc);
at::Tensor toNhwc(const at::Tensor& nchw);

// A k x k convolution with stride k (the stem's 4x4/4, Fusion.down's 2x2/2) as one matrix
// product: each k x k patch of the NHWC map is a row of k*k*C values, already in memory order
// after a reshape. ~4x faster than oneDNN's convolution for 14 x 14 x 256 -> 7 x 7 x 512 here.
struct Patchify {
  int64_t kernel = 1;
  Linear product;  // (ky, kx, c_in) x c_out
  static Patchify fromConv(const at::Tensor& weight, const at::Tensor& bias);
  at::Tensor operator()(const at::Tensor& nhwc) const;
};

// ConvNeXt block with the layer scale folded into pwconv2 (W2' = gamma * W2, b2' = gamma * b2):
// x += pwconv2'(GELU(pwconv1(LN(dwconv(x))))), in place on x. GELU is fast_gelu's polynomial
// (pwconv1's FastGelu epilogue) or oneDNN's erf GELU fused into pwconv1's product; the residual add
// is fused into pwconv2's.
struct Block {
  DepthwiseConv dwconv;
  LayerNorm norm;  // over C, the last dimension (both of RevCol's LayerNorm forms normalise over C)
  Linear pwconv1, pwconv2;
  bool gelu_pass = false;  // pwconv1's epilogue is FastGelu rather than oneDNN's Gelu
  // bf16: the two products (~90 % of the arithmetic) multiply in bfloat16 (AMX), the hidden map is
  // stored in bfloat16; dwconv, LayerNorm and the residual stay float32. gelu_pass: fast_gelu's
  // polynomial GELU instead of oneDNN's fused one (float32 only: bf16 keeps oneDNN's, which writes
  // the hidden map in bfloat16).
  static Block fromWeights(const at::Tensor& dw_weight, const at::Tensor& dw_bias, LayerNorm norm, const at::Tensor& w1,
                           const at::Tensor& b1, const at::Tensor& w2, const at::Tensor& b2, const at::Tensor& gamma,
                           bool bf16, bool gelu_pass);
  // `next`: the block that runs after this one on the same map (its first weights are prefetched).
  void apply(at::Tensor& x, const Block* next = nullptr) const;
};

// Linear + LN over the channels of an NHWC map: UpSampleConvnext without the upsampling, and the
// image decoders' 1x1 projection with its LayerNorm.
struct Up {
  Linear product;
  LayerNorm norm;  // over C, the last dimension (both of RevCol's LayerNorm forms normalise over C)
  at::Tensor operator()(const at::Tensor& nhwc) const;
};

// fine += nearest-upsampled coarse (size-based nearest, as UpSample does): a broadcast add without
// materialising the upsampled map when the sizes are exact multiples.
void addNearest(at::Tensor& fine, const at::Tensor& coarse);

}  // namespace revcol::fast
