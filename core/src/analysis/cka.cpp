#include "revcol/cka.h"

#include <cmath>
#include <limits>
#include <string>
#include <torch/torch.h>

#include "revcol/error.h"

namespace revcol {
namespace {

// Columns converted to double per matrix product: bounds the temporary to n x 8192 doubles
// (32 MB for a batch of 512) while keeping the products large enough for BLAS to be efficient.
constexpr int64_t kGramBlock = 8192;

void checkSize(int64_t n) {
  if (n < 4)
    throw Error("CKA needs a batch of at least 4 examples (the unbiased HSIC estimator divides by n - 3); got " +
                std::to_string(n));
}

}  // namespace

GramMatrix linearGram(const FloatArray& batch) {
  if (batch.shape.empty() || batch.shape[0] < 1)
    throw Error("CKA: a feature batch needs a leading batch dimension of at least one example");
  const int64_t n = batch.shape[0];
  if (batch.numel() != static_cast<int64_t>(batch.values.size()))
    throw Error("CKA: the feature batch's shape does not match its number of values");
  const int64_t p = batch.numel() / n;
  GramMatrix g;
  g.n = n;
  torch::NoGradGuard noGrad;
  auto rows = torch::from_blob(const_cast<float*>(batch.values.data()), {n, p}, torch::kFloat32);
  auto k = torch::zeros({n, n}, torch::kFloat64);
  for (int64_t start = 0; start < p; start += kGramBlock) {
    const int64_t len = std::min(kGramBlock, p - start);
    auto block = rows.narrow(1, start, len).to(torch::kFloat64);
    k.add_(block.mm(block.t()));
  }
  k = k.contiguous();
  const double* kp = k.data_ptr<double>();
  g.values.assign(kp, kp + n * n);
  return g;
}

GramMatrix oneHotGram(const std::vector<int64_t>& labels, int64_t numClasses) {
  if (numClasses < 2) throw Error("CKA: one-hot labels need at least 2 classes");
  for (int64_t y : labels)
    if (y < 0 || y >= numClasses)
      throw Error("CKA: label " + std::to_string(y) + " is outside 0.." + std::to_string(numClasses - 1));
  // The official entries are float32: one_hot + 1e-6 rounds to these two values.
  const double lo = static_cast<double>(1e-6f);
  const double hi = static_cast<double>(1.0f + 1e-6f);
  const double same = hi * hi + static_cast<double>(numClasses - 1) * lo * lo;
  const double differ = 2.0 * hi * lo + static_cast<double>(numClasses - 2) * lo * lo;
  GramMatrix g;
  g.n = static_cast<int64_t>(labels.size());
  g.values.resize(static_cast<size_t>(g.n * g.n));
  for (int64_t i = 0; i < g.n; ++i)
    for (int64_t j = 0; j < g.n; ++j) g.values[i * g.n + j] = labels[i] == labels[j] ? same : differ;
  return g;
}

double unbiasedHsic(const GramMatrix& k, const GramMatrix& l) {
  if (k.n != l.n)
    throw Error("CKA: the two batches have different numbers of examples (" + std::to_string(k.n) + " and " +
                std::to_string(l.n) + ")");
  const int64_t n = k.n;
  checkSize(n);
  if (static_cast<int64_t>(k.values.size()) != n * n || static_cast<int64_t>(l.values.size()) != n * n)
    throw Error("CKA: a Gram matrix does not hold n x n values");
  // K~ and L~: the diagonals are skipped instead of zeroed.
  double trace = 0, sumK = 0, sumL = 0, cross = 0;
  std::vector<double> colSumK(n, 0.0), rowSumL(n, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double kij = k.values[i * n + j], lij = l.values[i * n + j];
      trace += kij * l.values[j * n + i];  // tr(K~ L~) = sum_ij K~_ij L~_ji
      sumK += kij;
      sumL += lij;
      colSumK[j] += kij;  // (1' K~)_j
      rowSumL[i] += lij;  // (L~ 1)_i
    }
  for (int64_t j = 0; j < n; ++j) cross += colSumK[j] * rowSumL[j];  // 1' K~ L~ 1
  const double nn = static_cast<double>(n);
  const double middle = sumK * sumL / ((nn - 1) * (nn - 2));
  const double last = 2.0 / (nn - 2) * cross;
  return (trace + middle - last) / (nn * (nn - 3));
}

double linearCka(const GramMatrix& k, const GramMatrix& l) { return CkaTarget(l).cka(k); }

double linearCka(const FloatArray& x, const FloatArray& y) {
  GramMatrix kx = linearGram(x);
  GramMatrix ly = linearGram(y);
  return linearCka(kx, ly);
}

CkaTarget::CkaTarget(GramMatrix gram) : gram_(std::move(gram)) {
  checkSize(gram_.n);
  selfHsic_ = unbiasedHsic(gram_, gram_);
}

double CkaTarget::cka(const GramMatrix& featureGram) const {
  if (featureGram.n != gram_.n)
    throw Error("CKA: the feature batch has " + std::to_string(featureGram.n) + " examples but the target has " +
                std::to_string(gram_.n));
  const double cross = unbiasedHsic(featureGram, gram_);
  const double self = unbiasedHsic(featureGram, featureGram);
  const double denom = self * selfHsic_;
  if (!(denom > 0)) return std::numeric_limits<double>::quiet_NaN();
  return cross / std::sqrt(denom);
}

double CkaTarget::cka(const FloatArray& features) const {
  if (features.shape.empty() || features.shape[0] != gram_.n)
    throw Error("CKA: the feature batch has " +
                (features.shape.empty() ? std::string("no") : std::to_string(features.shape[0])) +
                " examples but the target has " + std::to_string(gram_.n));
  return cka(linearGram(features));
}

}  // namespace revcol
