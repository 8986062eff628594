// mmseg's intersect_and_union / total_area_to_metrics, in integers (the reference sums float
// histograms; integer counts are exact at any image size).
#include <revcol/error.h>
#include <revcol/segmentation_metrics.h>

#include <cmath>
#include <limits>
#include <string>

namespace revcol {
namespace {

int64_t at(const cv::Mat& m, int y, int x) {
  switch (m.depth()) {
    case CV_8U:
      return m.at<uint8_t>(y, x);
    case CV_16U:
      return m.at<uint16_t>(y, x);
    case CV_32S:
      return m.at<int32_t>(y, x);
    default:
      throw Error("a label map holds 8-, 16- or 32-bit integers");
  }
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

SegmentationScore::SegmentationScore(int num_classes, int ignore_index)
    : ignore_index_(ignore_index),
      intersection_(size_t(num_classes), 0),
      prediction_area_(size_t(num_classes), 0),
      label_area_(size_t(num_classes), 0) {
  if (num_classes < 1) throw Error("a segmentation score needs at least one class");
}

void SegmentationScore::add(const cv::Mat& prediction, const cv::Mat& label) {
  if (prediction.size() != label.size())
    throw Error("prediction is " + std::to_string(prediction.cols) + "x" + std::to_string(prediction.rows) +
                " but the label map " + std::to_string(label.cols) + "x" + std::to_string(label.rows));
  if (prediction.channels() != 1 || label.channels() != 1) throw Error("label maps have one channel");
  const int64_t n = numClasses();
  for (int y = 0; y < label.rows; ++y)
    for (int x = 0; x < label.cols; ++x) {
      const int64_t l = at(label, y, x);
      if (l == ignore_index_) continue;
      if (l < 0 || l >= n)
        throw Error("label map value " + std::to_string(l) + " at (" + std::to_string(x) + ", " + std::to_string(y) +
                    ") is not a class of this model (0.." + std::to_string(n - 1) + " or " +
                    std::to_string(ignore_index_) + ")");
      const int64_t p = at(prediction, y, x);
      ++label_area_[size_t(l)];
      if (p >= 0 && p < n) ++prediction_area_[size_t(p)];
      if (p == l) ++intersection_[size_t(l)];
    }
  ++images_;
}

std::vector<double> SegmentationScore::classIou() const {
  std::vector<double> iou;
  for (size_t c = 0; c < intersection_.size(); ++c) {
    const int64_t u = prediction_area_[c] + label_area_[c] - intersection_[c];
    iou.push_back(u > 0 ? double(intersection_[c]) / double(u) : kNaN);
  }
  return iou;
}

std::vector<double> SegmentationScore::classAccuracy() const {
  std::vector<double> acc;
  for (size_t c = 0; c < intersection_.size(); ++c)
    acc.push_back(label_area_[c] > 0 ? double(intersection_[c]) / double(label_area_[c]) : kNaN);
  return acc;
}

double SegmentationScore::meanIou() const {
  double sum = 0;
  int n = 0;
  for (double v : classIou())
    if (!std::isnan(v)) sum += v, ++n;
  return n ? sum / n : kNaN;
}

double SegmentationScore::pixelAccuracy() const {
  int64_t correct = 0, total = 0;
  for (size_t c = 0; c < intersection_.size(); ++c) correct += intersection_[c], total += label_area_[c];
  return total ? double(correct) / double(total) : kNaN;
}

}  // namespace revcol
