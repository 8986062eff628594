#pragma once
// The fast inference path of a RevCol backbone on CPU (float32): the same network as RevColNet,
// prepared once from its weights into channels-last operations (fast_ops.h) with transposed
// Linear weights and the layer scale folded in. The plain modules stay the reference (autograd-
// capable, bit-identical to their history); tests compare this path with them on every level of
// every column. The classification heads and the image decoders run on the fast path too.
//
// Feature maps in and out are N x C x H x W tensors with channels-last strides (permuted views of
// NHWC storage): they work wherever a contiguous NCHW tensor does.
#include "nn/fast_decoder.h"
#include "nn/fast_gelu.h"
#include "nn/fast_ops.h"
#include "nn/revcol_net.h"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace revcol {

class FastRevColNet {
 public:
  // Copies the weights it needs: the network may be used or freed afterwards. CPU float32
  // networks only.
  // bf16: the ConvNeXt MLPs (~90 % of the arithmetic) multiply in bfloat16 (off by default; it
  // drifts ~1e-2 relative from float32, see revcol-bench). gelu_pass: the MLPs' GELU from fast_gelu's
  // polynomial (in the small-rows kernel's stores or a pass after oneDNN's product; 6-10 % faster
  // where the CPU has AVX-512) or oneDNN's, fused into its product (tests and revcol-bench run both).
  explicit FastRevColNet(RevColNetImpl& net, bool bf16 = false, bool gelu_pass = fast::geluPassAvailable());

  static bool supports(const RevColNetImpl& net);

  // RevColNetImpl::forward's contract (input N x 3 x H x W, the sink, heads, decoders).
  ForwardResult forward(const torch::Tensor& input, const ForwardOptions& options = {}, const ColumnSink& sink = {});

  // F_l = L_l(c_down, c_up[, c_up3]) of column `column` (RevColNetImpl's SubNet::levelFn).
  torch::Tensor levelFn(int column, int l, const torch::Tensor& c_down, const torch::Tensor& c_up,
                        const torch::Tensor& c_up3) const;

  // Features of column-1 from those of `column` (analysis/reconstruction.h invertColumn).
  Levels invertColumn(int column, const torch::Tensor& x, const Levels& c) const;

 private:
  struct Level {
    bool has_down = false;
    fast::Patchify down;
    fast::LayerNorm down_norm;
    bool has_up = false, has_up2 = false;
    fast::Up up, up2;
    std::vector<fast::Block> blocks;
  };
  struct Head {
    fast::LayerNorm norm;
    fast::Linear fc;
  };
  struct Column {
    bool first = false;
    std::array<at::Tensor, 4> alpha;  // C, broadcast over NHWC rows
    std::array<Level, 4> levels;
  };

  at::Tensor level(const Column& col, int l, const at::Tensor& c_down, const at::Tensor& c_up,
                   const at::Tensor& c_up3) const;
  Levels column(const Column& col, const at::Tensor& x, const Levels& prev, Levels* added) const;
  at::Tensor head(size_t k, const at::Tensor& c3_nhwc) const;

  fast::Patchify stem_conv_;
  fast::LayerNorm stem_norm_;
  std::vector<Column> columns_;
  std::vector<int> head_columns_, decoder_columns_;
  std::vector<Head> heads_;                   // in head order; empty for a backbone without heads
  std::vector<fast::ImageDecoder> decoders_;  // in decoder order, one per decoder_columns_ entry
};

// The fast path a loader should use for `net`: null when `fast` is off, the network is not a CPU
// float32 one, or the fast path does not reproduce the plain modules on a small random image
// (every level of every column, every head's logits and every decoder image within 1e-5 relative
// L2; 0.1 for bf16, which keeps 8 mantissa bits). A bf16 path that cannot run on this CPU falls
// back to float32. `path` (optional) is set to what will run: "fast fp32", "fast bf16" or "plain".
std::unique_ptr<FastRevColNet> checkedFastPath(RevColNetImpl& net, bool fast, bool bf16, std::string* path = nullptr);

}  // namespace revcol
