#include "nn/fast_revcol.h"

#include <revcol/error.h>

#include <ATen/CPUGeneratorImpl.h>

#include <string>
#include <vector>

namespace revcol {
namespace {

using fast::nchwView;
using fast::toNhwc;

class Weights {
 public:
  explicit Weights(RevColNetImpl& net) : params_(net.named_parameters(true)) {}
  at::Tensor operator()(const std::string& name) const {
    const auto* t = params_.find(name);
    if (!t) throw Error("fast path: no parameter " + name);
    return t->detach().to(at::kFloat).clone();
  }
  bool has(const std::string& name) const { return params_.find(name) != nullptr; }

 private:
  torch::OrderedDict<std::string, torch::Tensor> params_;
};

fast::LayerNorm norm(const Weights& w, const std::string& p) { return {w(p + ".weight"), w(p + ".bias")}; }

fast::Block block(const Weights& w, const std::string& p, bool bf16, bool gelu_pass) {
  return fast::Block::fromWeights(w(p + ".dwconv.weight"), w(p + ".dwconv.bias"), norm(w, p + ".norm"),
                                  w(p + ".pwconv1.weight"), w(p + ".pwconv1.bias"), w(p + ".pwconv2.weight"),
                                  w(p + ".pwconv2.bias"), w(p + ".gamma"), bf16, gelu_pass);
}

// A 1x1 convolution (out x in x 1 x 1) as a product over NHWC rows: a patch product of 1 x 1 patches.
fast::Linear pointwise(const Weights& w, const std::string& p) {
  return fast::Patchify::fromConv(w(p + ".weight"), w(p + ".bias")).product;
}

// ImageDecoderImpl's parameters (nn/modules.cpp) under `p` ("decoder_blocks.k").
fast::ImageDecoder decoder(const Weights& w, const std::string& p, bool simple, bool gelu_pass) {
  fast::ImageDecoder d;
  if (simple) {
    d.in_norm = norm(w, p + ".projback.0");
    d.projback = pointwise(w, p + ".projback.1");
    d.shuffle = 32;
    return d;
  }
  for (int i = 0; i < 3; ++i) {
    const std::string s = std::to_string(i);
    d.stages.push_back({{pointwise(w, p + ".proj_layers." + s + ".0"), norm(w, p + ".proj_layers." + s + ".1")},
                        block(w, p + ".normal_layers." + s + ".0", /*bf16=*/false, gelu_pass)});
  }
  d.projback = pointwise(w, p + ".projback.0");
  d.shuffle = 4;
  return d;
}

fast::Up up(const Weights& w, const std::string& p) {
  return {fast::Linear(w(p + ".channel_reschedule.0.weight").t(), w(p + ".channel_reschedule.0.bias"),
                       fast::Linear::Epilogue::None),
          norm(w, p + ".channel_reschedule.1")};
}

}  // namespace

bool FastRevColNet::supports(const RevColNetImpl& net) {
  for (const auto& p : net.parameters())
    if (!p.device().is_cpu() || p.scalar_type() != at::kFloat) return false;
  return true;
}

FastRevColNet::FastRevColNet(RevColNetImpl& net, bool bf16, bool gelu_pass)
    : head_columns_(headColumns(net.architecture())), decoder_columns_(decoderColumns(net.architecture())) {
  if (!supports(net)) throw Error("the fast path runs float32 networks on the CPU only");
  const Architecture& arch = net.architecture();
  Weights w(net);
  stem_conv_ = fast::Patchify::fromConv(w("stem.0.weight"), w("stem.0.bias"));
  stem_norm_ = norm(w, "stem.1");
  for (int i = 0; i < arch.columns; ++i) {
    const std::string s = "subnet" + std::to_string(i);
    Column col;
    col.first = i == 0;
    for (int l = 0; l < 4; ++l) {
      col.alpha[l] = net.subnet(i)->alpha[l].detach().to(at::kFloat).flatten().clone();
      const std::string p = s + ".level" + std::to_string(l);
      Level& lv = col.levels[l];
      lv.has_down = l > 0;
      if (lv.has_down) {
        lv.down = fast::Patchify::fromConv(w(p + ".fusion.down.0.weight"), w(p + ".fusion.down.0.bias"));
        lv.down_norm = norm(w, p + ".fusion.down.1");
      }
      lv.has_up = w.has(p + ".fusion.up.channel_reschedule.0.weight");
      if (lv.has_up) lv.up = up(w, p + ".fusion.up");
      lv.has_up2 = w.has(p + ".fusion.up2.channel_reschedule.0.weight");
      if (lv.has_up2) lv.up2 = up(w, p + ".fusion.up2");
      for (int64_t b = 0; b < arch.layers[l]; ++b)
        lv.blocks.push_back(block(w, p + ".blocks." + std::to_string(b), bf16, gelu_pass));
    }
    columns_.push_back(std::move(col));
  }
  // The classification heads: "cls" (one head) or "cls_blocks.k" (intermediate supervision).
  for (size_t k = 0; k < head_columns_.size(); ++k) {
    const std::string p = arch.head == HeadKind::SingleCls ? std::string("cls.classifier")
                                                           : "cls_blocks." + std::to_string(k) + ".classifier";
    heads_.push_back(
        {norm(w, p + ".0"), fast::Linear(w(p + ".1.weight").t(), w(p + ".1.bias"), fast::Linear::Epilogue::None)});
  }
  for (size_t k = 0; k < decoder_columns_.size(); ++k)
    decoders_.push_back(
        decoder(w, "decoder_blocks." + std::to_string(k), arch.decoder == DecoderKind::SimDecoder, gelu_pass));
}

// Global average pool + LayerNorm + Linear (the plain Classifier) on an NHWC map.
at::Tensor FastRevColNet::head(size_t k, const at::Tensor& c3) const {
  return heads_.at(k).fc(heads_.at(k).norm(c3.mean({1, 2})));
}

// NHWC in, NHWC out. Summation order of the official Fusion: up + down (RevCol-H level 0:
// down + up + up2); float addition of two terms is commutative, so `down += up` is the same.
at::Tensor FastRevColNet::level(const Column& col, int l, const at::Tensor& c_down, const at::Tensor& c_up,
                                const at::Tensor& c_up3) const {
  const Level& lv = col.levels[l];
  at::Tensor x = lv.has_down ? lv.down_norm(lv.down(c_down)) : c_down.clone();  // blocks work in place
  if (!col.first && lv.has_up) fast::addNearest(x, lv.up(c_up));
  if (!col.first && lv.has_up2) fast::addNearest(x, lv.up2(c_up3));
  for (size_t i = 0; i < lv.blocks.size(); ++i)
    lv.blocks[i].apply(x, i + 1 < lv.blocks.size() ? &lv.blocks[i + 1] : nullptr);
  return x;
}

Levels FastRevColNet::column(const Column& col, const at::Tensor& x, const Levels& prev, Levels* added) const {
  Levels c, f;
  for (int l = 0; l < 4; ++l) {
    const at::Tensor& below = l == 0 ? x : c[l - 1];
    f[l] = level(col, l, below, l < 3 ? prev[l + 1] : at::Tensor(), l == 0 ? prev[3] : at::Tensor());
    c[l] = col.first ? f[l] : at::addcmul(f[l], prev[l], col.alpha[l]);
  }
  if (added) *added = f;
  return c;
}

ForwardResult FastRevColNet::forward(const torch::Tensor& input, const ForwardOptions& options,
                                     const ColumnSink& sink) {
  checkRevColInput(input);
  auto views = [](const Levels& nhwc) {
    Levels v;
    for (int l = 0; l < 4; ++l) v[l] = nhwc[l].defined() ? nchwView(nhwc[l]) : nhwc[l];
    return v;
  };
  ForwardResult result;
  const at::Tensor x = stem_norm_(stem_conv_(toNhwc(input.to(at::kFloat))));
  result.stem = nchwView(x);
  Levels c;
  for (size_t i = 0; i < columns_.size(); ++i) {
    Levels added;
    c = column(columns_[i], x, c, options.added ? &added : nullptr);
    // The levels are NHWC here: H and W are dimensions 1 and 2.
    const bool go_on = !options.ablation || applyAblation(*options.ablation, static_cast<int>(i), c, {1, 2});
    ColumnOutput out;
    out.column = static_cast<int>(i);
    out.c = views(c);
    if (options.added) out.added = views(added);
    result.columns_done = out.column + 1;
    if (options.heads) {
      for (size_t k = 0; k < head_columns_.size(); ++k)
        if (head_columns_[k] == out.column) result.logits.push_back(head(k, c[3]));
    }
    if (options.decoders) {
      for (size_t k = 0; k < decoder_columns_.size(); ++k)
        if (decoder_columns_[k] == out.column) result.images.push_back(decoders_[k](c[3]));
    }
    if (sink && !sink(out)) break;
    if (!go_on) break;
  }
  result.last = views(c);
  return result;
}

torch::Tensor FastRevColNet::levelFn(int column, int l, const torch::Tensor& c_down, const torch::Tensor& c_up,
                                     const torch::Tensor& c_up3) const {
  auto nhwc = [](const torch::Tensor& t) { return t.defined() ? toNhwc(t) : t; };
  return nchwView(level(columns_.at(static_cast<size_t>(column)), l, nhwc(c_down), nhwc(c_up), nhwc(c_up3)));
}

Levels FastRevColNet::invertColumn(int column, const torch::Tensor& x_nchw, const Levels& c_nchw) const {
  const Column& col = columns_.at(static_cast<size_t>(column));
  if (col.first) throw Error("the first column has no predecessor to reconstruct");
  const at::Tensor x = toNhwc(x_nchw);
  Levels c, p;
  for (int l = 0; l < 4; ++l) c[l] = toNhwc(c_nchw[l]);
  const bool huge = col.levels[0].has_up2;
  p[3] = (c[3] - level(col, 3, c[2], {}, {})).div_(col.alpha[3]);
  p[2] = (c[2] - level(col, 2, c[1], p[3], {})).div_(col.alpha[2]);
  p[1] = (c[1] - level(col, 1, c[0], p[2], {})).div_(col.alpha[1]);
  p[0] = (c[0] - level(col, 0, x, p[1], huge ? p[3] : at::Tensor())).div_(col.alpha[0]);
  for (int l = 0; l < 4; ++l) p[l] = nchwView(p[l]);
  return p;
}

namespace {

bool close(const torch::Tensor& want, const torch::Tensor& got, double tolerance) {
  if (want.sizes() != got.sizes()) return false;
  const auto reference = want.to(torch::kFloat64);
  const double norm = reference.norm().item<double>();
  const double err = (got.to(torch::kFloat64) - reference).norm().item<double>();
  return err <= tolerance * norm;
}

bool agrees(RevColNetImpl& net, FastRevColNet& fast, double tolerance) {
  torch::NoGradGuard no_grad;
  // A generator of its own: the global one (torch::manual_seed) is left as the caller set it.
  auto input = torch::randn({1, 3, 64, 64}, at::detail::createCPUGenerator(0x5eed), torch::kFloat32);
  std::vector<Levels> plain, quick;
  ForwardOptions opts;
  const ForwardResult want =
      net.forward(input, opts, [&](const ColumnOutput& o) { return plain.push_back(o.c), true; });
  ForwardResult got;
  try {
    got = fast.forward(input, opts, [&](const ColumnOutput& o) { return quick.push_back(o.c), true; });
  } catch (const std::exception&) {
    return false;  // e.g. no bfloat16 kernel for this CPU
  }
  if (plain.size() != quick.size() || want.logits.size() != got.logits.size()) return false;
  for (size_t i = 0; i < plain.size(); ++i)
    for (int l = 0; l < 4; ++l)
      if (!close(plain[i][l], quick[i][l], tolerance)) return false;
  for (size_t k = 0; k < want.logits.size(); ++k)
    if (!close(want.logits[k], got.logits[k], tolerance)) return false;
  if (want.images.size() != got.images.size()) return false;
  for (size_t k = 0; k < want.images.size(); ++k)
    if (!close(want.images[k], got.images[k], tolerance)) return false;
  return true;
}

}  // namespace

std::unique_ptr<FastRevColNet> checkedFastPath(RevColNetImpl& net, bool fast, bool bf16, std::string* path) {
  if (path) *path = "plain";
  if (!fast || !FastRevColNet::supports(net)) return nullptr;
  for (bool half : {bf16, false}) {
    auto quick = std::make_unique<FastRevColNet>(net, half);
    if (agrees(net, *quick, half ? 0.1 : 1e-5)) {
      if (path) *path = half ? "fast bf16" : "fast fp32";
      return quick;
    }
    if (!half) break;
  }
  return nullptr;
}

}  // namespace revcol
