#include "analysis/reconstruction.h"

#include "api/tensor_convert.h"

namespace revcol {

Levels invertColumn(SubNetImpl& s, const torch::Tensor& x, const Levels& c) {
  if (s.firstColumn()) throw Error("the first column has no predecessor to reconstruct");
  Levels p;
  torch::Tensor none;
  const auto& a = s.alpha;
  p[3] = (c[3] - s.levelFn(3, c[2], none, none)) / a[3];
  p[2] = (c[2] - s.levelFn(2, c[1], p[3], none)) / a[2];
  p[1] = (c[1] - s.levelFn(1, c[0], p[2], none)) / a[1];
  p[0] = (c[0] - s.levelFn(0, x, p[1], s.huge() ? p[3] : none)) / a[0];
  return p;
}

LevelError compareLevel(const torch::Tensor& recovered, const torch::Tensor& truth) {
  LevelError e;
  auto r = recovered.detach().to(torch::kFloat64);
  auto t = truth.detach().to(torch::kFloat64);
  auto diff = (r - t).abs();
  double norm = t.norm().item<double>();
  double err = diff.norm().item<double>();
  e.rel_l2 = norm > 0 ? err / norm : (err > 0 ? std::numeric_limits<double>::infinity() : 0.0);
  e.max_abs = diff.numel() ? diff.max().item<double>() : 0.0;
  // N x C x H x W -> H x W for the single image of an analysis.
  e.map = toFloatArray(diff.mean(1)[0]);
  return e;
}

std::vector<ColumnReconstruction> reconstruct(RevColNetImpl& net, const torch::Tensor& x,
                                              const std::vector<Levels>& features, ReconstructionMode mode,
                                              const std::function<void()>& tick) {
  return reconstruct([&](int i, const Levels& c) { return invertColumn(*net.subnet(i), x, c); }, features, mode, tick);
}

std::vector<ColumnReconstruction> reconstruct(const ColumnInverse& invert, const std::vector<Levels>& features,
                                              ReconstructionMode mode, const std::function<void()>& tick) {
  std::vector<ColumnReconstruction> out(features.size() > 1 ? features.size() - 1 : 0);
  Levels current = features.empty() ? Levels{} : features.back();
  for (int i = static_cast<int>(features.size()) - 1; i >= 1; --i) {
    const Levels& from = mode == ReconstructionMode::Step ? features[static_cast<size_t>(i)] : current;
    current = invert(i, from);
    auto& r = out[static_cast<size_t>(i - 1)];
    r.target = i - 1;
    for (int l = 0; l < 4; ++l) r.levels[l] = compareLevel(current[l], features[static_cast<size_t>(i - 1)][l]);
    if (tick) tick();
  }
  return out;
}

AlphaStats alphaStats(const torch::Tensor& clamped, const torch::Tensor& raw) {
  AlphaStats s;
  auto a = clamped.detach().to(torch::kCPU, torch::kFloat64).abs().flatten();
  s.channels = a.numel();
  if (s.channels == 0) return s;
  s.min_abs = static_cast<float>(a.min().item<double>());
  s.mean_abs = static_cast<float>(a.mean().item<double>());
  s.max_abs = static_cast<float>(a.max().item<double>());
  s.negative = (clamped.detach().flatten() < 0).sum().item<int64_t>();
  if (raw.defined()) s.clamped = (raw.detach().abs().flatten() < 1e-3).sum().item<int64_t>();
  return s;
}

}  // namespace revcol
