// Detection overlay: translucent class-coloured masks, box outlines and "name score" tags.
#include <revcol/detector.h>
#include <revcol/error.h>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>

namespace revcol {
namespace {

cv::Scalar classColor(int label) {
  const std::array<uint8_t, 3> c = detectionClassColor(label);
  return {double(c[0]), double(c[1]), double(c[2])};
}

}  // namespace

// A distinct, stable colour per class (golden-ratio hue steps, full saturation).
std::array<uint8_t, 3> detectionClassColor(int label) {
  const double hue = std::fmod(label * 0.618033988749895, 1.0) * 180.0;
  cv::Mat hsv(1, 1, CV_8UC3, cv::Scalar(hue, 200, 255)), rgb;
  cv::cvtColor(hsv, rgb, cv::COLOR_HSV2RGB);
  const cv::Vec3b c = rgb.at<cv::Vec3b>(0, 0);
  return {c[0], c[1], c[2]};
}

cv::Mat drawDetections(const cv::Mat& rgb, const std::vector<DetectedObject>& objects, double mask_alpha) {
  if (rgb.empty() || rgb.type() != CV_8UC3) throw Error("the overlay needs an 8-bit RGB image");
  cv::Mat out = rgb.clone();
  // Masks first (lowest score first, so the best detection ends on top), then boxes and labels.
  for (auto it = objects.rbegin(); it != objects.rend(); ++it) {
    if (it->mask.empty()) continue;
    if (it->mask.size() != rgb.size()) throw Error("a detection mask does not match the image size");
    cv::Mat color(rgb.size(), CV_8UC3, classColor(it->label)), blended;
    cv::addWeighted(out, 1.0 - mask_alpha, color, mask_alpha, 0.0, blended);
    blended.copyTo(out, it->mask);
  }
  const int thickness = std::max(1, std::min(rgb.cols, rgb.rows) / 400);
  const double font_scale = std::max(0.4, std::min(rgb.cols, rgb.rows) / 1000.0);
  for (auto it = objects.rbegin(); it != objects.rend(); ++it) {
    const cv::Scalar c = classColor(it->label);
    const cv::Point p1(cvRound(it->box[0]), cvRound(it->box[1])), p2(cvRound(it->box[2]), cvRound(it->box[3]));
    cv::rectangle(out, p1, p2, c, thickness, cv::LINE_AA);
    char tag[128];
    std::snprintf(tag, sizeof tag, "%s %.2f", it->name.c_str(), double(it->score));
    int baseline = 0;
    const cv::Size ts = cv::getTextSize(tag, cv::FONT_HERSHEY_SIMPLEX, font_scale, 1, &baseline);
    const int top = std::max(0, p1.y - ts.height - baseline - 2);
    const cv::Point origin(std::max(0, p1.x), top);
    cv::rectangle(out, origin, origin + cv::Point(ts.width + 4, ts.height + baseline + 2), c, cv::FILLED);
    cv::putText(out, tag, origin + cv::Point(2, ts.height + 1), cv::FONT_HERSHEY_SIMPLEX, font_scale,
                cv::Scalar(0, 0, 0), 1, cv::LINE_AA);
  }
  return out;
}

}  // namespace revcol
