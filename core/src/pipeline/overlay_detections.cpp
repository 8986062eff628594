// Detection overlay: translucent class-coloured masks, box outlines and "name score" tags.
#include <revcol/detector.h>
#include <revcol/error.h>
#include <revcol/palette.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace revcol {
namespace {

cv::Scalar scalarOf(const Rgb& c) { return {double(c[0]), double(c[1]), double(c[2])}; }

void checkImage(const cv::Mat& rgb) {
  if (rgb.empty() || rgb.type() != CV_8UC3) throw Error("the overlay needs an 8-bit RGB image");
}

// Masks, lowest score first so the best detection ends on top. Each blend touches only the mask's
// bounding box: a frame with a hundred detections would otherwise blend the whole image a hundred times.
void blendMasks(cv::Mat& out, const std::vector<DetectedObject>& objects, const std::vector<Rgb>& palette,
                double mask_alpha) {
  for (auto it = objects.rbegin(); it != objects.rend(); ++it) {
    if (it->mask.empty()) continue;
    if (it->mask.size() != out.size() || it->mask.type() != CV_8U)
      throw Error("a detection mask is not an 8-bit mask of the image's size");
    const cv::Rect r = cv::boundingRect(it->mask);
    if (r.empty()) continue;
    cv::Mat roi = out(r), blended;
    const cv::Mat color(r.size(), CV_8UC3, scalarOf(classColor(palette, it->label)));
    cv::addWeighted(roi, 1.0 - mask_alpha, color, mask_alpha, 0.0, blended);
    blended.copyTo(roi, it->mask(r));
  }
}

// Hershey text whose capitals are at least `height` pixels tall.
struct TagFont {
  double scale = 1;
  int thickness = 1;
};
TagFont tagFont(int height) {
  TagFont f;
  f.thickness = std::max(1, int(std::lround(height / 14.0)));
  int baseline = 0;
  const int at_one = cv::getTextSize("A", cv::FONT_HERSHEY_SIMPLEX, 1.0, f.thickness, &baseline).height;
  f.scale = double(height) / double(std::max(1, at_one));
  // getTextSize rounds: step up until the rendered height really reaches the target.
  while (cv::getTextSize("A", cv::FONT_HERSHEY_SIMPLEX, f.scale, f.thickness, &baseline).height < height)
    f.scale *= 1.03;
  return f;
}

}  // namespace

std::array<uint8_t, 3> detectionClassColor(int label) { return qualitativeColor(label); }

cv::Mat drawDetectionMasks(const cv::Mat& rgb, const std::vector<DetectedObject>& objects,
                           const std::vector<Rgb>& palette, double mask_alpha) {
  checkImage(rgb);
  cv::Mat out = rgb.clone();
  blendMasks(out, objects, palette, mask_alpha);
  return out;
}

cv::Mat drawDetections(const cv::Mat& rgb, const std::vector<DetectedObject>& objects, const std::vector<Rgb>& palette,
                       double mask_alpha) {
  cv::Mat out = drawDetectionMasks(rgb, objects, palette, mask_alpha);
  const int shorter = std::min(rgb.cols, rgb.rows);
  // 12 pixels is the smallest Hershey text that stays legible; 1/30 of the shorter side keeps tags
  // in proportion on large frames (36 pixels at 1080p).
  const int text_height = std::max(12, int(std::lround(shorter / 30.0)));
  const TagFont font = tagFont(text_height);
  const int line = std::max(1, shorter / 300);
  const int pad = std::max(2, text_height / 6);
  for (auto it = objects.rbegin(); it != objects.rend(); ++it) {
    const Rgb rgb_color = classColor(palette, it->label);
    const cv::Scalar c = scalarOf(rgb_color);
    const cv::Point p1(cvRound(it->box[0]), cvRound(it->box[1])), p2(cvRound(it->box[2]), cvRound(it->box[3]));
    cv::rectangle(out, p1, p2, c, line, cv::LINE_AA);
    char tag[160];
    std::snprintf(tag, sizeof tag, "%s %.2f", it->name.c_str(), double(it->score));
    int baseline = 0;
    const cv::Size ts = cv::getTextSize(tag, cv::FONT_HERSHEY_SIMPLEX, font.scale, font.thickness, &baseline);
    const cv::Size box(ts.width + 2 * pad, ts.height + baseline + 2 * pad);
    // Above the box when there is room, else just inside its top; shifted left to stay in the image.
    const int y = p1.y - box.height >= 0 ? p1.y - box.height : std::max(0, std::min(p1.y, out.rows - box.height));
    const int x = std::max(0, std::min(p1.x, out.cols - box.width));
    cv::rectangle(out, cv::Rect(cv::Point(x, y), box), c, cv::FILLED);
    // Dark text on light colours, white on dark ones (COCO's palette has both).
    const double luma = 0.299 * rgb_color[0] + 0.587 * rgb_color[1] + 0.114 * rgb_color[2];
    const cv::Scalar ink = luma > 140 ? cv::Scalar(0, 0, 0) : cv::Scalar(255, 255, 255);
    cv::putText(out, tag, cv::Point(x + pad, y + pad + ts.height), cv::FONT_HERSHEY_SIMPLEX, font.scale, ink,
                font.thickness, cv::LINE_AA);
  }
  return out;
}

cv::Mat drawDetections(const cv::Mat& rgb, const std::vector<DetectedObject>& objects, double mask_alpha) {
  return drawDetections(rgb, objects, std::vector<Rgb>{}, mask_alpha);
}

}  // namespace revcol
