#include "nn/revcol_net.h"

#include <revcol/error.h>

#include <algorithm>
#include <string>

namespace revcol {

FusionImpl::FusionImpl(int level, const std::array<int64_t, 4>& channels, bool first_col, bool huge)
    : level_(level), first_col_(first_col) {
  if (level > 0) down_ = register_module("down", ConvNorm(channels[level - 1], channels[level], 2, 2, false));
  if (!first_col && level < 3) up_ = register_module("up", UpSample(channels[level + 1], channels[level]));
  if (!first_col && huge && level == 0) up2_ = register_module("up2", UpSample(channels[3], channels[0]));
}

torch::Tensor FusionImpl::forward(const torch::Tensor& c_down, const torch::Tensor& c_up, const torch::Tensor& c_up3) {
  torch::Tensor x = level_ == 0 ? c_down : down_(c_down);
  if (first_col_ || level_ == 3) return x;
  auto size = x.sizes().slice(2);
  // Summation order of the official code (up + down; RevCol-H level 0: down + up + up2).
  if (up2_) return x + up_(c_up, size) + up2_(c_up3, size);
  return up_(c_up, size) + x;
}

LevelImpl::LevelImpl(int level, const Architecture& arch, bool first_col) {
  fusion_ = register_module("fusion", Fusion(level, arch.channels, first_col, arch.huge));
  int64_t c = arch.channels[level];
  blocks_ = register_module("blocks", BlockStack(arch.layers[level], c, 4 * c, arch.kernel_size));
}

torch::Tensor LevelImpl::forward(const torch::Tensor& c_down, const torch::Tensor& c_up, const torch::Tensor& c_up3) {
  return blocks_(fusion_(c_down, c_up, c_up3));
}

SubNetImpl::SubNetImpl(const Architecture& arch, bool first_col) : first_col_(first_col), huge_(arch.huge) {
  for (int l = 0; l < 4; ++l)
    alpha[l] = register_parameter("alpha" + std::to_string(l), torch::full({1, arch.channels[l], 1, 1}, 0.5));
  for (int l = 0; l < 4; ++l) levels_[l] = register_module("level" + std::to_string(l), Level(l, arch, first_col));
}

torch::Tensor SubNetImpl::levelFn(int l, const torch::Tensor& c_down, const torch::Tensor& c_up,
                                  const torch::Tensor& c_up3) {
  return levels_.at(static_cast<size_t>(l))(c_down, c_up, c_up3);
}

Levels SubNetImpl::forward(const torch::Tensor& x, const Levels& prev, Levels* added) {
  Levels c;
  Levels f;
  torch::Tensor none;
  // Each level reads the level below of this column and the level above of the previous one.
  f[0] = levels_[0](x, prev[1], huge_ ? prev[3] : none);
  c[0] = first_col_ ? f[0] : f[0] + prev[0] * alpha[0];
  f[1] = levels_[1](c[0], prev[2], none);
  c[1] = first_col_ ? f[1] : f[1] + prev[1] * alpha[1];
  f[2] = levels_[2](c[1], prev[3], none);
  c[2] = first_col_ ? f[2] : f[2] + prev[2] * alpha[2];
  f[3] = levels_[3](c[2], none, none);
  c[3] = first_col_ ? f[3] : f[3] + prev[3] * alpha[3];
  if (added) *added = f;
  return c;
}

RevColNetImpl::RevColNetImpl(const Architecture& arch)
    : arch_(arch), head_columns_(headColumns(arch)), decoder_columns_(decoderColumns(arch)) {
  if (arch.columns < 1) throw Error("a RevCol network needs at least one column");
  for (int l = 0; l < 4; ++l)
    if (arch.channels[l] < 1 || arch.layers[l] < 0) throw Error("invalid RevCol architecture: " + describe(arch));
  if (arch.head == HeadKind::IntermediateSupervision && arch.columns < 4)
    throw Error("intermediate supervision needs at least 4 columns, got " + std::to_string(arch.columns));
  stem_ = register_module("stem", ConvNorm(3, arch.channels[0], 4, 4, false));
  for (int i = 0; i < arch.columns; ++i)
    subnets_.push_back(register_module("subnet" + std::to_string(i), SubNet(arch, i == 0)));

  if (arch.head == HeadKind::SingleCls) {
    heads_.push_back(register_module("cls", Classifier(arch.channels[3], arch.num_classes)));
  } else if (arch.head == HeadKind::IntermediateSupervision) {
    auto list = register_module("cls_blocks", std::make_shared<torch::nn::Module>());
    for (int k = 0; k < 4; ++k)
      heads_.push_back(list->register_module(std::to_string(k), Classifier(arch.channels[3], arch.num_classes)));
  }
  if (arch.decoder != DecoderKind::None && arch.num_decoders > 0) {
    auto list = register_module("decoder_blocks", std::make_shared<torch::nn::Module>());
    for (int k = 0; k < arch.num_decoders; ++k)
      decoders_.push_back(list->register_module(std::to_string(k),
                                                ImageDecoder(arch.channels, arch.decoder == DecoderKind::SimDecoder)));
  }
}

torch::Tensor RevColNetImpl::head(int k, const torch::Tensor& c3) { return heads_.at(static_cast<size_t>(k))(c3); }

torch::Tensor RevColNetImpl::decoder(int k, const torch::Tensor& c3) {
  return decoders_.at(static_cast<size_t>(k))(c3);
}

void checkRevColInput(const torch::Tensor& input) {
  if (input.dim() != 4 || input.size(1) != 3) throw Error("RevCol input must be N x 3 x H x W");
  if (input.size(2) < 32 || input.size(3) < 32)
    throw Error("RevCol input must be at least 32 x 32 pixels, got " + std::to_string(input.size(3)) + " x " +
                std::to_string(input.size(2)));
}

bool applyAblation(const Ablation& a, int column, Levels& c, std::array<int64_t, 2> spatial) {
  if (a.kind == Ablation::Kind::StopAfterColumn) return column < a.column;
  if (column != a.column || a.level < 0 || a.level > 3) return true;
  torch::Tensor& t = c[size_t(a.level)];
  if (a.kind == Ablation::Kind::ZeroLevel) t = torch::zeros_like(t);
  if (a.kind == Ablation::Kind::MeanLevel) t = t.mean({spatial[0], spatial[1]}, true).expand_as(t).contiguous();
  return true;
}

ForwardResult RevColNetImpl::forward(const torch::Tensor& input, const ForwardOptions& options,
                                     const ColumnSink& sink) {
  checkRevColInput(input);
  ForwardResult result;
  result.stem = stem_(input);
  Levels c;
  for (int i = 0; i < arch_.columns; ++i) {
    ColumnOutput out;
    out.column = i;
    out.c = subnets_[static_cast<size_t>(i)](result.stem, c, options.added ? &out.added : nullptr);
    const bool go_on = !options.ablation || applyAblation(*options.ablation, i, out.c, {2, 3});
    c = out.c;
    result.columns_done = i + 1;
    if (options.heads) {
      for (size_t k = 0; k < head_columns_.size(); ++k)
        if (head_columns_[k] == i) result.logits.push_back(heads_[k](c[3]));
    }
    if (options.decoders) {
      for (size_t k = 0; k < decoder_columns_.size() && k < decoders_.size(); ++k)
        if (decoder_columns_[k] == i) result.images.push_back(decoders_[k](c[3]));
    }
    if (sink && !sink(out)) break;
    if (!go_on) break;
  }
  result.last = c;
  return result;
}

}  // namespace revcol
