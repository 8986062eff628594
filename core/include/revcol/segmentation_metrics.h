#pragma once
// Semantic segmentation scores as mmsegmentation's IoU metric computes them: intersection and
// union of every class summed over all images, then per-class IoU and accuracy, mIoU as their
// mean over classes that occur (nanmean), and aAcc (pixel accuracy over labelled pixels).
#include <opencv2/core.hpp>

#include <cstdint>
#include <vector>

namespace revcol {

class SegmentationScore {
 public:
  // Pixels labelled `ignore_index` (mmseg's 255) count nowhere.
  explicit SegmentationScore(int num_classes, int ignore_index = 255);

  // One image: predicted and true class per pixel, same size, 8-bit, 16-bit or 32-bit integer.
  // Label values >= num_classes (other than ignore_index) are an error. Throws revcol::Error.
  void add(const cv::Mat& prediction, const cv::Mat& label);

  int numClasses() const { return int(intersection_.size()); }
  int64_t images() const { return images_; }
  // Per class: intersection / union and intersection / labelled pixels; NaN where undefined.
  std::vector<double> classIou() const;
  std::vector<double> classAccuracy() const;
  double meanIou() const;        // mean of the defined class IoUs (NaN if none)
  double pixelAccuracy() const;  // correctly labelled pixels / labelled pixels (aAcc)

 private:
  int ignore_index_;
  std::vector<int64_t> intersection_, prediction_area_, label_area_;
  int64_t images_ = 0;
};

}  // namespace revcol
