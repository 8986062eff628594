#pragma once
// oneDNN primitives of the fast path. libtorch 1.13 here multiplies float32 matrices through
// OpenBLAS (AVX2 kernels when OPENBLAS_CORETYPE pins them) and reaches oneDNN only for its own
// convolutions; oneDNN's brgemm matmul runs AVX-512 (float32) and AMX (bfloat16) by itself and
// fuses the bias, erf GELU and the residual add into the product. Each operation packs its weights
// once into the kernel's layout and creates its primitive once per input shape (cached; a video
// or a folder of one size creates them once). Threads: oneDNN splits each call over the OpenMP
// threads libtorch's at::set_num_threads sets on the calling thread.
//
// Tensors in and out are contiguous float32 (bfloat16 where said) CPU tensors; rows x channels
// for products and norms, N x H x W x C for the depthwise convolution.
#include <ATen/ATen.h>

#include <memory>

namespace revcol::fast {

// out = x @ W + b, then the epilogue. wt is W transposed: K x N (inputs x outputs). Float32
// products without oneDNN's GELU epilogue run on SplitBf16Product where the CPU has AMX and the
// shape pays (SplitBf16Product::worthIt: many rows by small weights; the ConvNeXt MLPs it takes go
// through mlpInOnePass), else on SmallRowsProduct where the CPU has AVX-512 and the shape pays
// (SmallRowsProduct::worthIt: few rows, levels 2 and 3 of RevCol-T at 224 x 224), the rest on
// oneDNN's matmul. The weights are packed for the kernel that
// needs them; the first switch to another kernel drops the old form, a second keeps them all.
class Linear {
 public:
  enum class Epilogue {
    None,
    Gelu,        // erf GELU, as nn.GELU()
    Accumulate,  // out += x @ W + b: a residual branch added in place, out is read and written
    // erf GELU from fast_gelu's polynomial (float32, AVX-512: geluPassAvailable()), in the
    // small-rows kernel's stores or as a pass over out after oneDNN's plain product; oneDNN's own
    // fused GELU (Gelu) is slower here.
    FastGelu,
  };
  Linear() = default;
  // bf16: weights stored and multiplied in bfloat16 (AMX / AVX-512 BF16); x may then be float32
  // (converted) or bfloat16; out is float32, or bfloat16 when out_bf16 (Gelu's hidden map).
  Linear(const at::Tensor& wt, const at::Tensor& bias, Epilogue epilogue, bool bf16 = false, bool out_bf16 = false);

  bool defined() const { return static_cast<bool>(impl_); }
  int64_t inputs() const;
  int64_t outputs() const;

  // out: rows x outputs, written in place. `then`: the product that runs next on the same rows
  // (pwconv2 after pwconv1); where both run on the small-rows kernel, this one prefetches the first
  // weights of that one while it finishes.
  void into(const at::Tensor& x, at::Tensor& out, const Linear* then = nullptr) const;
  at::Tensor operator()(const at::Tensor& x, const Linear* then = nullptr) const;  // a new rows x outputs tensor

  // A ConvNeXt MLP, residual += second(first(x)) with first's FastGelu and second's Accumulate, in
  // one pass where the AMX split-bfloat16 kernel takes it for these rows (SplitBf16Product::mlp;
  // the override permitting). Returns false, having done nothing, elsewhere.
  static bool mlpInOnePass(const Linear& first, const Linear& second, const at::Tensor& x, at::Tensor& residual);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Which kernel this thread's float32 products run on while a ProductKernelsOverride lives. By
// default (ByShape) the split-bfloat16 and small-rows kernels take the products they pay for
// (worthIt) and oneDNN the rest; ByShapeWithoutAmx is that without the split kernel (the float32
// units only: revcol-bench's A/B). Tests and revcol-bench also run each kernel wherever it can
// (the small-rows kernel: float32, at most SmallRowsProduct::kMaxRows rows, no oneDNN GELU
// epilogue; the split kernel: float32, no oneDNN GELU epilogue).
enum class ProductKernels { ByShape, ByShapeWithoutAmx, OneDnnOnly, SmallRowsWherePossible, SplitBf16WherePossible };

class ProductKernelsOverride {
 public:
  explicit ProductKernelsOverride(ProductKernels kernels);
  ~ProductKernelsOverride();
  ProductKernelsOverride(const ProductKernelsOverride&) = delete;
  ProductKernelsOverride& operator=(const ProductKernelsOverride&) = delete;

 private:
  ProductKernels previous_;
};

// LayerNorm over the last dimension (eps 1e-6) of a rows x C tensor, or of any contiguous tensor
// whose last dimension is C.
class LayerNorm {
 public:
  LayerNorm() = default;
  LayerNorm(const at::Tensor& weight, const at::Tensor& bias);
  at::Tensor operator()(const at::Tensor& x) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Depthwise k x k convolution, stride 1, padding (k - 1) / 2, of an N x H x W x C map.
class DepthwiseConv {
 public:
  DepthwiseConv() = default;
  DepthwiseConv(const at::Tensor& weight /* C x 1 x k x k */, const at::Tensor& bias);
  at::Tensor operator()(const at::Tensor& nhwc) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Float32 GFLOP/s of an n x n x n product through Linear (the peak the fast path's kernels reach
// on this machine with the current threads), median of `reps`.
double linearPeakGflops(int64_t n, int reps);

}  // namespace revcol::fast
