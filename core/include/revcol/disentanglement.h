#pragma once
// How features disentangle across columns, measured over a set of images: the linear CKA of every
// (column, level) feature map against the input pixels and against the images' labels, the two
// heat maps of the official tools/visual.py (plot_cka). Low CKA against the input and high CKA
// against the labels in later columns is the paper's picture of gradual disentanglement.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "revcol/analysis.h"
#include "revcol/float_array.h"

namespace revcol {

struct CkaHeatmap {
  std::string against;                        // "input" or "labels"
  std::vector<std::array<double, 4>> values;  // [column][level]; NaN where CKA is undefined
};

struct DisentanglementResult {
  int64_t images = 0;
  CkaHeatmap vs_input;
  std::optional<CkaHeatmap> vs_labels;  // when every image has a label and there are >= 2 classes
  int64_t label_classes = 0;            // one-hot width used for the labels
};

// Collects the network input and every column's levels of each image, then computes the heat maps.
// The features of all images are kept (CKA compares every pair of images), within a byte budget.
class CkaCollector {
 public:
  explicit CkaCollector(size_t budget_bytes = size_t(1) << 30) : budget_(budget_bytes) {}

  // Keeps one image's input (3 x H x W) and features (analysis.columns[*].levels); label < 0 when
  // the image has none. Every image must have the same input size and columns as the first.
  // Returns false, keeping nothing, when the image would take the collection over the budget.
  // Throws revcol::Error for an image that does not match the first.
  bool add(const FloatArray& input, const AnalysisResult& analysis, int64_t label = -1);

  int64_t images() const { return n_; }
  size_t bytes() const { return bytes_; }
  size_t bytesPerImage() const;

  // Needs at least 4 images (the unbiased HSIC estimator); throws revcol::Error otherwise.
  DisentanglementResult compute() const;

 private:
  size_t budget_;
  size_t bytes_ = 0;
  int64_t n_ = 0;
  std::vector<int64_t> input_shape_;
  FloatArray inputs_;                              // [n, 3*H*W]
  std::vector<std::array<FloatArray, 4>> levels_;  // per column: [n, C*h*w] per level
  std::vector<int64_t> labels_;
};

}  // namespace revcol
