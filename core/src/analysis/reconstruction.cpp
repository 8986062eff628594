#include "analysis/reconstruction.h"

#include <revcol/error.h>

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

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

namespace {

// Sums of one block of pixel rows (NHWC: a row is the C channels of one pixel).
struct Sums {
  double truth2 = 0, error2 = 0, max_abs = 0;
};

template <typename T>
Sums compareRows(const T* r, const T* t, int64_t begin, int64_t end, int64_t c, int64_t map_rows, float* map) {
  Sums s;
  for (int64_t row = begin; row < end; ++row) {
    double abs_sum = 0;
    for (int64_t k = row * c; k < (row + 1) * c; ++k) {
      const double d = std::abs(double(r[k]) - double(t[k]));
      s.truth2 += double(t[k]) * double(t[k]);
      s.error2 += d * d;
      s.max_abs = std::max(s.max_abs, d);
      abs_sum += d;
    }
    if (row < map_rows) map[row] = static_cast<float>(abs_sum / double(c));
  }
  return s;
}

}  // namespace

LevelError compareLevel(const torch::Tensor& recovered, const torch::Tensor& truth) {
  if (recovered.sizes() != truth.sizes() || recovered.dim() != 4)
    throw Error("reconstruction: the recovered level and the true one differ in shape");
  // One pass over channels-last storage (the fast path's features already are: no copy), in
  // float64, instead of eight whole-tensor operations (6 ms of RevCol-T's analysis pass at 224).
  const auto type = recovered.scalar_type() == truth.scalar_type() ? recovered.scalar_type() : torch::kFloat64;
  auto nhwc = [&](const torch::Tensor& x) {
    return x.detach().to(torch::kCPU, type).permute({0, 2, 3, 1}).contiguous();
  };
  const auto r = nhwc(recovered), t = nhwc(truth);
  const int64_t c = r.size(3), h = r.size(1), w = r.size(2), rows = r.numel() / std::max<int64_t>(c, 1);
  LevelError e;
  e.map.shape = {h, w};  // the first image of the batch (an analysis has one)
  e.map.values.assign(static_cast<size_t>(h * w), 0.0f);
  // Fixed blocks, summed in order: the figures do not depend on the thread count.
  constexpr int64_t kBlocks = 64;
  std::vector<Sums> blocks(kBlocks);
  const int64_t per = (rows + kBlocks - 1) / kBlocks;
  AT_DISPATCH_FLOATING_TYPES(type, "compareLevel", [&] {
    const auto* rp = r.data_ptr<scalar_t>();
    const auto* tp = t.data_ptr<scalar_t>();
    at::parallel_for(0, kBlocks, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b)
        blocks[static_cast<size_t>(b)] = compareRows(rp, tp, std::min(rows, b * per), std::min(rows, (b + 1) * per),
                                                     c, h * w, e.map.values.data());
    });
  });
  Sums all;
  for (const Sums& b : blocks) {
    all.truth2 += b.truth2;
    all.error2 += b.error2;
    all.max_abs = std::max(all.max_abs, b.max_abs);
  }
  const double norm = std::sqrt(all.truth2), err = std::sqrt(all.error2);
  e.rel_l2 = norm > 0 ? err / norm : (err > 0 ? std::numeric_limits<double>::infinity() : 0.0);
  e.max_abs = all.max_abs;
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
