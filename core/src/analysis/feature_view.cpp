#include "revcol/feature_view.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <torch/torch.h>

#include "revcol/error.h"

namespace revcol {
namespace {

void checkChw(const FloatArray& chw, const char* what) {
  if (chw.shape.size() != 3 || chw.numel() != int64_t(chw.values.size()) || chw.values.empty())
    throw Error(std::string(what) + ": expected a non-empty C x H x W feature map");
}

// Pixels as rows of an (H*W) x C double matrix, float -> double so that wide layers (C = 2880 in
// RevCol-H) do not lose precision in the covariance sums.
torch::Tensor pixelsByChannel(const FloatArray& chw) {
  const int64_t c = chw.shape[0], hw = chw.shape[1] * chw.shape[2];
  auto t = torch::from_blob(const_cast<float*>(chw.values.data()), {c, hw}, torch::kFloat32);
  return t.t().to(torch::kFloat64);
}

}  // namespace

FloatArray reduceChannels(const FloatArray& chw, Reduction reduction, int channel) {
  checkChw(chw, "reduceChannels");
  const int64_t c = chw.shape[0], hw = chw.shape[1] * chw.shape[2];
  FloatArray out{{chw.shape[1], chw.shape[2]}, std::vector<float>(size_t(hw), 0.f)};
  if (reduction == Reduction::Channel) {
    if (channel < 0 || channel >= c)
      throw Error("channel " + std::to_string(channel) + " out of range: this map has " + std::to_string(c) +
                  " channels");
    std::copy_n(chw.values.begin() + channel * hw, hw, out.values.begin());
    return out;
  }
  std::vector<double> acc(size_t(hw), 0.0);
  for (int64_t k = 0; k < c; ++k) {
    const float* src = chw.values.data() + k * hw;
    for (int64_t i = 0; i < hw; ++i)
      acc[size_t(i)] += reduction == Reduction::MeanAbs ? std::fabs(double(src[i])) : double(src[i]) * src[i];
  }
  for (int64_t i = 0; i < hw; ++i)
    out.values[size_t(i)] =
        float(reduction == Reduction::MeanAbs ? acc[size_t(i)] / double(c) : std::sqrt(acc[size_t(i)]));
  return out;
}

PcaBasis fitPcaBasis(const std::vector<const FloatArray*>& maps) {
  if (maps.empty()) throw Error("fitPcaBasis: no feature maps");
  const int64_t c = maps.front()->shape.empty() ? 0 : maps.front()->shape[0];
  std::vector<torch::Tensor> rows;
  for (const FloatArray* m : maps) {
    checkChw(*m, "fitPcaBasis");
    if (m->shape[0] != c) throw Error("fitPcaBasis: maps of one level must have the same channel count");
    rows.push_back(pixelsByChannel(*m));
  }
  torch::Tensor x = torch::cat(rows, 0);  // N x C
  torch::Tensor mean = x.mean(0);
  torch::Tensor centred = x - mean;
  torch::Tensor cov = centred.t().mm(centred) / std::max<int64_t>(1, x.size(0) - 1);
  auto [evals, evecs] = torch::linalg::eigh(cov, "L");  // ascending eigenvalues
  const int64_t k = std::min<int64_t>(3, c);
  PcaBasis basis;
  basis.channels = int(c);
  basis.mean.resize(size_t(c));
  basis.components.assign(size_t(3 * c), 0.f);
  basis.scale.assign(3, 1.f);
  auto mean_f = mean.to(torch::kFloat32).contiguous();
  std::copy_n(mean_f.data_ptr<float>(), c, basis.mean.begin());
  for (int64_t j = 0; j < k; ++j) {
    torch::Tensor v = evecs.select(1, c - 1 - j);
    // Fix the sign (largest |entry| positive) so colours do not flip between frames.
    if (v[v.abs().argmax()].item<double>() < 0) v = -v;
    auto vf = v.to(torch::kFloat32).contiguous();
    std::copy_n(vf.data_ptr<float>(), c, basis.components.begin() + j * c);
    // +-2 standard deviations cover ~95% of pixels: map that span to [0, 1].
    basis.scale[size_t(j)] = float(4.0 * std::sqrt(std::max(evals[c - 1 - j].item<double>(), 1e-24)));
  }
  return basis;
}

FloatArray projectPca(const FloatArray& chw, const PcaBasis& basis) {
  checkChw(chw, "projectPca");
  if (chw.shape[0] != basis.channels) throw Error("projectPca: channel count differs from the basis");
  const int64_t c = chw.shape[0], hw = chw.shape[1] * chw.shape[2];
  FloatArray out{{3, chw.shape[1], chw.shape[2]}, std::vector<float>(size_t(3 * hw), 0.5f)};
  for (int64_t j = 0; j < 3; ++j) {
    const float* comp = basis.components.data() + j * c;
    std::vector<double> acc(size_t(hw), 0.0);
    for (int64_t k = 0; k < c; ++k) {
      const float* src = chw.values.data() + k * hw;
      const double w = comp[k], m = basis.mean[size_t(k)];
      if (w == 0) continue;
      for (int64_t i = 0; i < hw; ++i) acc[size_t(i)] += w * (double(src[i]) - m);
    }
    for (int64_t i = 0; i < hw; ++i)
      out.values[size_t(j * hw + i)] = float(std::clamp(0.5 + acc[size_t(i)] / basis.scale[size_t(j)], 0.0, 1.0));
  }
  return out;
}

ValueRange percentileRange(const std::vector<const FloatArray*>& arrays, double p_lo, double p_hi) {
  std::vector<float> v;
  for (const FloatArray* a : arrays)
    for (float x : a->values)
      if (std::isfinite(x)) v.push_back(x);
  if (v.empty()) return {};
  auto at = [&v](double p) {
    const size_t idx = size_t(std::llround(std::clamp(p, 0.0, 100.0) / 100.0 * double(v.size() - 1)));
    std::nth_element(v.begin(), v.begin() + idx, v.end());
    return v[idx];
  };
  ValueRange r;
  r.lo = at(p_lo);
  r.hi = at(p_hi);
  return r;
}

}  // namespace revcol
