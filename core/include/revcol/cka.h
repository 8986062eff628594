#pragma once
// Linear CKA (Kornblith et al. 2019) with the unbiased HSIC estimator (Song et al. 2012, eq. 2 in
// Nguyen et al. 2021), as tools/visual.py of the official RevCol code computes it:
//   HSIC_u(K, L) = [tr(K~ L~) + (1' K~ 1)(1' L~ 1) / ((n-1)(n-2)) - 2/(n-2) 1' K~ L~ 1] / (n (n-3))
//   CKA(X, Y)   = HSIC_u(XX', YY') / sqrt(HSIC_u(XX', XX') HSIC_u(YY', YY'))
// where K~ is K with its diagonal set to zero and n the number of examples (n >= 4).
//
// Inputs are batches: a FloatArray of shape [n, ...] holds n examples, each flattened to one row
// (the order of the features in a row does not matter: CKA only sees the Gram matrix XX').
// Everything is accumulated in double. The official script feeds float32 arrays to numpy, so its
// Gram matrices are float32 products; its numbers agree with these to about 1e-5 relative (see
// tests/core/cka_test.cpp), and exactly (1e-9) when fed float64.
//
// A feature with zero unbiased self-HSIC (e.g. identical across the batch) has no defined CKA:
// the result is NaN, as in the official code, so a heat map can show the hole.
#include <cstdint>
#include <vector>

#include "revcol/float_array.h"

namespace revcol {

// A symmetric n x n matrix in row-major order.
struct GramMatrix {
  int64_t n = 0;
  std::vector<double> values;
};

// K = X X' for a batch of shape [n, ...] (n >= 1). Accumulated in double.
GramMatrix linearGram(const FloatArray& batch);

// The Gram matrix of the official one-hot targets: one_hot(labels, numClasses) + 1e-6 in float32
// (torch.nn.functional.one_hot(...) + 1e-6, .float()), computed without building the rows.
GramMatrix oneHotGram(const std::vector<int64_t>& labels, int64_t numClasses = 1000);

// The unbiased HSIC estimator of two Gram matrices of the same n >= 4.
double unbiasedHsic(const GramMatrix& k, const GramMatrix& l);

double linearCka(const GramMatrix& k, const GramMatrix& l);
double linearCka(const FloatArray& x, const FloatArray& y);

// One side of many CKA comparisons, prepared once (its Gram matrix and self-HSIC): in the
// official analysis the input images, or the labels, against every (column, level) feature.
class CkaTarget {
 public:
  explicit CkaTarget(GramMatrix gram);

  // The input batch (the normalised images, [n, 3, H, W]) as visual.py's plot_cka compares it.
  static CkaTarget fromImages(const FloatArray& images) { return CkaTarget(linearGram(images)); }
  // The labels as visual.py's plot_cka one-hot encodes them (1000 ImageNet classes by default).
  static CkaTarget fromLabels(const std::vector<int64_t>& labels, int64_t numClasses = 1000) {
    return CkaTarget(oneHotGram(labels, numClasses));
  }

  int64_t batchSize() const { return gram_.n; }
  // CKA between this target and a feature batch ([n, C, H, W] for a (column, level) feature).
  double cka(const FloatArray& features) const;
  double cka(const GramMatrix& featureGram) const;

 private:
  GramMatrix gram_;
  double selfHsic_;
};

}  // namespace revcol
