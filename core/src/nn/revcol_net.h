#pragma once
// The RevCol network (models/revcol.py FullNet, models/revcol_huge.py RevColHuge, and the
// mmdet/mmseg backbones, which share the state-dict names of FullNet without heads).
#include <revcol/ablation.h>
#include <revcol/architecture.h>

#include "nn/modules.h"

#include <array>
#include <functional>
#include <vector>

namespace revcol {

using Levels = std::array<torch::Tensor, 4>;

// Fusion of one level: `down` (Conv 2x2/2 + LN) from the level below in this column, `up` from the
// level above in the previous column, and for RevCol-H level 0 `up2` from c3 of the previous column.
class FusionImpl : public torch::nn::Module {
 public:
  FusionImpl(int level, const std::array<int64_t, 4>& channels, bool first_col, bool huge);
  // c_up / c_up3 are ignored (may be undefined) in the first column.
  torch::Tensor forward(const torch::Tensor& c_down, const torch::Tensor& c_up, const torch::Tensor& c_up3);

 private:
  int level_;
  bool first_col_;
  ConvNorm down_{nullptr};
  UpSample up_{nullptr}, up2_{nullptr};
};
TORCH_MODULE(Fusion);

// L_l of the paper: fusion followed by the level's ConvNeXt blocks.
class LevelImpl : public torch::nn::Module {
 public:
  LevelImpl(int level, const Architecture& arch, bool first_col);
  torch::Tensor forward(const torch::Tensor& c_down, const torch::Tensor& c_up, const torch::Tensor& c_up3);

 private:
  Fusion fusion_{nullptr};
  BlockStack blocks_{nullptr};
};
TORCH_MODULE(Level);

// One column. alpha_l are the registered (clamped after loading) parameters.
class SubNetImpl : public torch::nn::Module {
 public:
  SubNetImpl(const Architecture& arch, bool first_col);

  // c_l(k) = alpha_l * c_l(k-1) + F_l with F_l = L_l(...). `prev` is ignored in the first column
  // (its c's start at 0). When `added` is given it receives F_0..F_3.
  Levels forward(const torch::Tensor& x, const Levels& prev, Levels* added = nullptr);
  // F_l = L_l(c_down, c_up[, c_up3]) of this column, for the inversion.
  torch::Tensor levelFn(int l, const torch::Tensor& c_down, const torch::Tensor& c_up, const torch::Tensor& c_up3);

  bool firstColumn() const { return first_col_; }
  bool huge() const { return huge_; }
  std::array<torch::Tensor, 4> alpha;  // registered as alpha0..alpha3
  // The alphas as stored in the weights before the clamp (for statistics); set by the loader.
  std::array<torch::Tensor, 4> raw_alpha;

 private:
  bool first_col_, huge_;
  std::array<Level, 4> levels_{Level{nullptr}, Level{nullptr}, Level{nullptr}, Level{nullptr}};
};
TORCH_MODULE(SubNet);

struct ColumnOutput {
  int column = 0;
  Levels c;      // c0..c3 of this column
  Levels added;  // F_0..F_3 (defined only when requested)
};

// Receives each column's features as soon as they are computed (the C++ frontend has no forward
// hooks). Return false to stop the forward after this column.
using ColumnSink = std::function<bool(const ColumnOutput&)>;

struct ForwardOptions {
  bool heads = true;                   // run the classification heads
  bool decoders = true;                // run the image decoders
  bool added = false;                  // fill ColumnOutput::added for the sink
  const Ablation* ablation = nullptr;  // applied to each column's output before anything reads it
};

// Throws revcol::Error unless `input` is N x 3 x H x W with H, W >= 32 (both forward paths).
void checkRevColInput(const torch::Tensor& input);

// Applies an ablation to column `column`'s output levels `c` (both forward paths; `spatial` are the
// H and W dimensions of the level tensors: {2, 3} for NCHW, {1, 2} for NHWC). Returns false when
// the forward should stop after this column.
bool applyAblation(const Ablation& a, int column, Levels& c, std::array<int64_t, 2> spatial);

struct ForwardResult {
  torch::Tensor stem;  // x, the stem output every column reads
  Levels last;         // c0..c3 of the last column computed
  int columns_done = 0;
  std::vector<torch::Tensor> logits;  // per head, N x classes, in head order
  std::vector<torch::Tensor> images;  // per decoder, N x 3 x H x W
};

class RevColNetImpl : public torch::nn::Module {
 public:
  explicit RevColNetImpl(const Architecture& arch);

  // Input N x 3 x H x W (normalised). Call under torch::NoGradGuard / InferenceMode.
  ForwardResult forward(const torch::Tensor& input, const ForwardOptions& options = {}, const ColumnSink& sink = {});

  const Architecture& architecture() const { return arch_; }
  SubNet& subnet(int i) { return subnets_.at(static_cast<size_t>(i)); }
  torch::Tensor stem(const torch::Tensor& input) { return stem_(input); }
  torch::Tensor head(int k, const torch::Tensor& c3);
  torch::Tensor decoder(int k, const torch::Tensor& c3);

 private:
  Architecture arch_;
  ConvNorm stem_{nullptr};
  std::vector<SubNet> subnets_;
  std::vector<Classifier> heads_;
  std::vector<ImageDecoder> decoders_;
  std::vector<int> head_columns_, decoder_columns_;
};
TORCH_MODULE(RevColNet);

}  // namespace revcol
