#pragma once
// Operations of the fast RevCol path on channels-last activations: every feature map is an
// N x H x W x C contiguous tensor ("NHWC"), so 1x1 convolutions and Linear layers are plain matrix
// products over N*H*W rows and no permute copies are made between blocks. Inference only (no
// autograd); float32.
#include <ATen/ATen.h>

#include <vector>

namespace revcol::fast {

// N x C x H x W view of an NHWC tensor (channels-last strides, no copy) and back. toNhwc copies
// only when `nchw` is not already channels-last.
at::Tensor nchwView(const at::Tensor& nhwc);
at::Tensor toNhwc(const at::Tensor& nchw);

// LayerNorm over the last dimension, eps 1e-6 (both of RevCol's LayerNorm forms, channels-first
// and channels-last, normalise over C, which is the last dimension here).
struct Norm {
  at::Tensor weight, bias;
  at::Tensor operator()(const at::Tensor& nhwc) const;
};

// A k x k convolution (stride s, padding p, groups g) of an NHWC map, through oneDNN's channels-
// last kernels; returns NHWC.
struct Conv {
  at::Tensor weight, bias;
  int64_t stride = 1, padding = 0, groups = 1;
  at::Tensor operator()(const at::Tensor& nhwc) const;
};

// A k x k convolution with stride k (the stem's 4x4/4, Fusion.down's 2x2/2) as one matrix
// product: each k x k patch of the NHWC map is a row of k*k*C values, already in memory order
// after a reshape. ~4x faster than oneDNN's kernel for 14 x 14 x 256 -> 7 x 7 x 512 here.
struct Patchify {
  int64_t kernel = 1;
  at::Tensor wt, bias;  // (ky, kx, c_in) x c_out, contiguous
  static Patchify fromConv(const at::Tensor& weight, const at::Tensor& bias);
  at::Tensor operator()(const at::Tensor& nhwc) const;
};

// ConvNeXt block with the layer scale folded into pwconv2 (w2t = (gamma * W2)^T, b2 = gamma * b2):
// x += pwconv2'(GELU(pwconv1(LN(dwconv(x))))), in place on x.
struct Block {
  Conv dwconv;
  Norm norm;
  at::Tensor w1t, b1, w2t, b2;  // transposed Linear weights: K x N, contiguous
  // Optional bfloat16 copies (useBf16): the two products then run in bf16 through oneDNN (AMX /
  // AVX-512 BF16), LayerNorm, GELU and the residual stay float32.
  at::Tensor w1t_bf16, b1_bf16, w2t_bf16, b2_bf16;
  void useBf16();
  void apply(at::Tensor& x) const;
};

// UpSampleConvnext without the upsampling: Linear + LN over channels of the coarse map.
struct Up {
  at::Tensor wt, b;
  Norm norm;
  at::Tensor operator()(const at::Tensor& nhwc) const;
};

// fine += nearest-upsampled coarse (size-based nearest, as UpSample does): a broadcast add without
// materialising the upsampled map when the sizes are exact multiples.
void addNearest(at::Tensor& fine, const at::Tensor& coarse);

}  // namespace revcol::fast
