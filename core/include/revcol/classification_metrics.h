#pragma once
// Classification accuracy against a labelled folder: one sub-folder per class, as
// resources/samples/fashion_labelled and `revcol-fashion-scenes --task cls` lay them out.
#include <cstdint>
#include <string>
#include <vector>

namespace revcol {

struct LabelledImage {
  std::string path;
  int label = 0;             // class index of the model's head
  std::string class_folder;  // the sub-folder it came from
};

// The images one level below `root`, sorted by path. A sub-folder named "3_dress" or "3" holds
// class 3 (its leading number); any other name must be one of `class_names` (case and the
// separators ' ', '-', '_', '/' do not matter: "T-shirt/top" matches "t-shirt-top"). Throws
// revcol::Error naming the folder when a sub-folder matches no class or a class index is out of
// range, and when there are no images at all.
std::vector<LabelledImage> labelledImages(const std::string& root, const std::vector<std::string>& class_names);

// Top-1 and top-5 accuracy of one head, counted image by image.
class TopKAccuracy {
 public:
  // `ranked`: the head's class indices, best first (at least one).
  void add(const std::vector<int64_t>& ranked, int label);
  int64_t count() const { return count_; }
  double top1() const { return count_ ? double(top1_) / double(count_) : 0.0; }
  double top5() const { return count_ ? double(top5_) / double(count_) : 0.0; }

 private:
  int64_t count_ = 0, top1_ = 0, top5_ = 0;
};

}  // namespace revcol
