// Drawing segmentation results: palette colours, the blended overlay and its legend.
#include <algorithm>
#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "revcol/error.h"
#include "revcol/segmenter.h"

namespace revcol {

cv::Mat colorizeLabels(const cv::Mat& labels, const std::vector<std::array<uint8_t, 3>>& palette) {
  if (labels.type() != CV_8U && labels.type() != CV_16U) throw Error("a label map is CV_8U or CV_16U");
  cv::Mat out(labels.size(), CV_8UC3);
  for (int y = 0; y < labels.rows; ++y) {
    cv::Vec3b* dst = out.ptr<cv::Vec3b>(y);
    for (int x = 0; x < labels.cols; ++x) {
      const size_t c = labels.type() == CV_8U ? labels.at<uint8_t>(y, x) : labels.at<uint16_t>(y, x);
      if (c >= palette.size()) throw Error("label " + std::to_string(c) + " has no palette colour");
      dst[x] = cv::Vec3b(palette[c][0], palette[c][1], palette[c][2]);
    }
  }
  return out;
}

cv::Mat segmentationOverlay(const cv::Mat& rgb, const SegmentResult& result,
                            const std::vector<std::array<uint8_t, 3>>& palette, double opacity) {
  if (rgb.type() != CV_8UC3 || rgb.size() != result.labels.size())
    throw Error("the overlay needs the 8-bit RGB image the labels were computed for");
  const cv::Mat color = colorizeLabels(result.labels, palette);
  cv::Mat out(rgb.size(), CV_8UC3);
  // mmseg show_result: img * (1 - opacity) + color * opacity, truncated to uint8.
  for (int y = 0; y < rgb.rows; ++y) {
    const uint8_t* a = rgb.ptr<uint8_t>(y);
    const uint8_t* b = color.ptr<uint8_t>(y);
    uint8_t* d = out.ptr<uint8_t>(y);
    for (int i = 0; i < rgb.cols * 3; ++i) d[i] = uint8_t(a[i] * (1.0 - opacity) + b[i] * opacity);
  }

  // Legend: one row per class present (most pixels first), as many as fit the image height.
  const int font = cv::FONT_HERSHEY_SIMPLEX;
  const double scale = std::clamp(rgb.rows / 900.0, 0.35, 0.8);
  const int thickness = 1;
  int baseline = 0;
  const cv::Size text = cv::getTextSize("Ag", font, scale, thickness, &baseline);
  const int row = text.height + baseline + 4, swatch = text.height + 2, pad = 4;
  // At most 12 rows so that the legend does not hide the image; the rest is counted.
  const int rows_fit = std::min(12, std::max(0, (rgb.rows - 2 * pad) / row));
  if (rows_fit == 0 || result.present.empty()) return out;
  const size_t total = result.present.size();
  const size_t shown = total <= size_t(rows_fit) ? total : size_t(rows_fit - 1);
  std::vector<std::string> lines;
  for (size_t i = 0; i < shown; ++i) {
    char share[32];
    std::snprintf(share, sizeof share, " %.1f%%", 100.0 * result.present[i].share);
    lines.push_back(result.present[i].name + share);
  }
  if (shown < total) lines.push_back("+" + std::to_string(total - shown) + " more");
  int width = 0;
  for (const std::string& l : lines)
    width = std::max(width, cv::getTextSize(l, font, scale, thickness, &baseline).width);
  const cv::Rect box(0, 0, std::min(rgb.cols, width + swatch + 3 * pad), int(lines.size()) * row + 2 * pad);
  cv::Mat area = out(box);
  cv::Mat dark(area.size(), CV_8UC3, cv::Scalar(0, 0, 0));
  cv::addWeighted(area, 0.4, dark, 0.6, 0.0, area);
  for (size_t i = 0; i < lines.size(); ++i) {
    const int top = pad + int(i) * row;
    if (i < shown) {
      const auto& c = palette.at(size_t(result.present[i].index));
      cv::rectangle(out, cv::Rect(pad, top + 1, swatch, swatch), cv::Scalar(c[0], c[1], c[2]), cv::FILLED);
    }
    cv::putText(out, lines[i], cv::Point(2 * pad + swatch, top + text.height + 2), font, scale,
                cv::Scalar(255, 255, 255), thickness, cv::LINE_AA);
  }
  return out;
}

}  // namespace revcol
