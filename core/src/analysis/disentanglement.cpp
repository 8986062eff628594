#include "revcol/disentanglement.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "revcol/cka.h"
#include "revcol/error.h"

namespace revcol {
namespace {

void appendRow(FloatArray& batch, const FloatArray& example) {
  if (batch.shape.empty()) batch.shape = {0, int64_t(example.values.size())};
  batch.values.insert(batch.values.end(), example.values.begin(), example.values.end());
  batch.shape[0] += 1;
}

}  // namespace

size_t CkaCollector::bytesPerImage() const {
  if (n_ == 0) return 0;
  return bytes_ / size_t(n_);
}

bool CkaCollector::add(const FloatArray& input, const AnalysisResult& analysis, int64_t label) {
  if (analysis.columns.empty() || analysis.columns.front().levels[0].empty())
    throw Error("CKA needs the features of every column (analysis with features)");
  size_t bytes = input.values.size();
  for (const ColumnAnalysis& c : analysis.columns)
    for (const FloatArray& l : c.levels) bytes += l.values.size();
  bytes *= sizeof(float);
  if (n_ == 0) {
    input_shape_ = input.shape;
    levels_.assign(analysis.columns.size(), {});
  } else {
    if (input.shape != input_shape_)
      throw Error("CKA compares images of one size: every image must give the same network input as the first");
    if (analysis.columns.size() != levels_.size()) throw Error("CKA: the images were analysed by different models");
  }
  if (bytes_ + bytes > budget_) return false;
  appendRow(inputs_, input);
  for (size_t c = 0; c < levels_.size(); ++c)
    for (size_t l = 0; l < 4; ++l) appendRow(levels_[c][l], analysis.columns[c].levels[l]);
  labels_.push_back(label);
  bytes_ += bytes;
  ++n_;
  return true;
}

DisentanglementResult CkaCollector::compute() const {
  if (n_ < 4)
    throw Error("CKA needs at least 4 images (the unbiased estimator divides by n - 3); got " + std::to_string(n_));
  DisentanglementResult r;
  r.images = n_;
  const CkaTarget input_target = CkaTarget::fromImages(inputs_);
  std::optional<CkaTarget> label_target;
  const bool all_labelled = std::all_of(labels_.begin(), labels_.end(), [](int64_t y) { return y >= 0; });
  if (all_labelled && std::set<int64_t>(labels_.begin(), labels_.end()).size() >= 2) {
    r.label_classes = *std::max_element(labels_.begin(), labels_.end()) + 1;
    label_target.emplace(CkaTarget::fromLabels(labels_, r.label_classes));
  }
  r.vs_input.against = "input";
  if (label_target) r.vs_labels = CkaHeatmap{"labels", {}};
  for (const auto& column : levels_) {
    std::array<double, 4> vs_input{}, vs_labels{};
    for (size_t l = 0; l < 4; ++l) {
      const GramMatrix gram = linearGram(column[l]);  // one Gram matrix serves both targets
      vs_input[l] = input_target.cka(gram);
      if (label_target) vs_labels[l] = label_target->cka(gram);
    }
    r.vs_input.values.push_back(vs_input);
    if (label_target) r.vs_labels->values.push_back(vs_labels);
  }
  return r;
}

}  // namespace revcol
