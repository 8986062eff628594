#include "revcol/feature_grid_image.h"

#include <algorithm>
#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "revcol/error.h"
#include "revcol/level_name.h"

namespace revcol {
namespace {

const cv::Scalar kBackground(24, 24, 24);
const cv::Scalar kText(230, 230, 230);
constexpr double kRowLabelScale = 0.4;
constexpr int kTopMargin = 22;
constexpr int kGap = 2;

// Wide enough for the widest row label ("c3 (1/32)" is about 70 pixels at scale 0.4) with 6 pixels
// either side; never narrower than the 64 pixels the old "level l" labels had.
int leftMargin() {
  static const int margin = [] {
    int widest = 0, baseline = 0;
    for (int l = 0; l < 4; ++l)
      widest =
          std::max(widest, cv::getTextSize(levelName(l), cv::FONT_HERSHEY_SIMPLEX, kRowLabelScale, 1, &baseline).width);
    return std::max(64, widest + 12);
  }();
  return margin;
}

struct Layout {
  int rows, cols, cell_w;
  std::vector<int> cell_h;  // per row (levels have the same aspect ratio, but be exact)
  int y(int row) const {
    int y = kTopMargin;
    for (int r = 0; r < row; ++r) y += cell_h[size_t(r)] + kGap;
    return y;
  }
  int x(int col) const { return leftMargin() + col * (cell_w + kGap); }
  cv::Size size() const { return {x(cols), y(rows)}; }
};

void label(cv::Mat& img, const std::string& text, cv::Point at, double scale = 0.4) {
  cv::putText(img, text, at, cv::FONT_HERSHEY_SIMPLEX, scale, kText, 1, cv::LINE_AA);
}

// One colourised map scaled (nearest: every feature is a visible block) into its cell.
void place(cv::Mat& canvas, const cv::Mat& rgb, const Layout& layout, int row, int col) {
  const cv::Rect roi(layout.x(col), layout.y(row), layout.cell_w, layout.cell_h[size_t(row)]);
  cv::resize(rgb, canvas(roi), roi.size(), 0, 0, cv::INTER_NEAREST);
}

cv::Mat canvasFor(const Layout& layout, const char* column_word, int column_offset) {
  cv::Mat canvas(layout.size(), CV_8UC3, kBackground);
  // "col 12" is about 40 pixels wide at scale 0.4: shrink the text for narrow cells.
  const double scale = std::clamp(layout.cell_w / 110.0, 0.25, 0.4);
  for (int c = 0; c < layout.cols; ++c)
    label(canvas, std::string(column_word) + " " + std::to_string(c + column_offset), {layout.x(c) + 2, kTopMargin - 7},
          scale);
  for (int r = 0; r < layout.rows; ++r)
    label(canvas, levelName(r), {6, layout.y(r) + layout.cell_h[size_t(r)] / 2 + 4}, kRowLabelScale);
  return canvas;
}

int cellHeight(const FloatArray& hw, int cell_w) {
  return std::max(1, int(std::lround(double(cell_w) * double(hw.shape[0]) / double(hw.shape[1]))));
}

}  // namespace

cv::Mat renderFeatureGrid(const std::vector<ColumnAnalysis>& columns, const FeatureGridStyle& style) {
  if (columns.empty() || columns[0].levels[0].empty())
    throw Error("feature grid: the analysis holds no feature maps (run it with features on)");
  if (style.cell < 8) throw Error("feature grid: cells must be at least 8 pixels wide");
  Layout layout{4, int(columns.size()), style.cell, {}};
  std::vector<std::vector<FloatArray>> maps(4);
  for (int l = 0; l < 4; ++l) {
    for (const ColumnAnalysis& c : columns)
      maps[size_t(l)].push_back(reduceChannels(c.levels[size_t(l)], style.reduction, style.channel));
    layout.cell_h.push_back(cellHeight(maps[size_t(l)][0], style.cell));
  }
  cv::Mat canvas = canvasFor(layout, "col", 0);
  for (int l = 0; l < 4; ++l) {
    std::vector<const FloatArray*> ptrs;
    for (const FloatArray& m : maps[size_t(l)]) ptrs.push_back(&m);
    const ValueRange range = percentileRange(ptrs, style.percentile_lo, style.percentile_hi);
    for (int c = 0; c < layout.cols; ++c)
      place(canvas, colorizeMap(maps[size_t(l)][size_t(c)], range.lo, range.hi, style.colormap), layout, l, c);
  }
  return canvas;
}

cv::Mat renderErrorGrid(const Reconstruction& reconstruction, int cell, ColormapId colormap) {
  if (reconstruction.columns.empty()) throw Error("error grid: the reconstruction holds no columns");
  Layout layout{4, int(reconstruction.columns.size()), cell, {}};
  for (int l = 0; l < 4; ++l) {
    const FloatArray& m = reconstruction.columns[0].levels[size_t(l)].map;
    if (m.shape.size() != 2) throw Error("error grid: missing error map");
    layout.cell_h.push_back(cellHeight(m, cell));
  }
  cv::Mat canvas = canvasFor(layout, "col", 0);
  for (int l = 0; l < 4; ++l) {
    std::vector<const FloatArray*> ptrs;
    for (const ColumnReconstruction& c : reconstruction.columns) ptrs.push_back(&c.levels[size_t(l)].map);
    const ValueRange range = percentileRange(ptrs, 0, 100);
    for (int c = 0; c < layout.cols; ++c)
      place(canvas, colorizeMap(*ptrs[size_t(c)], 0.f, range.hi, colormap), layout, l, c);
  }
  return canvas;
}

cv::Mat renderClassificationOverlay(const cv::Mat& rgb, const HeadOutput* head,
                                    const std::vector<std::string>& class_names, int min_side) {
  if (rgb.empty() || rgb.type() != CV_8UC3) throw Error("overlay: expected an 8-bit RGB frame");
  cv::Mat out;
  const int longer = std::max(rgb.cols, rgb.rows);
  if (longer < min_side) {
    const int f = (min_side + longer - 1) / longer;
    cv::resize(rgb, out, cv::Size(rgb.cols * f, rgb.rows * f), 0, 0, cv::INTER_NEAREST);
  } else {
    out = rgb.clone();
  }
  std::vector<std::string> lines;
  if (!head) {
    lines.push_back("no classification head");
  } else {
    for (size_t i = 0; i < head->top.size() && i < 5; ++i) {
      const TopClass& t = head->top[i];
      const std::string name =
          size_t(t.index) < class_names.size() ? class_names[size_t(t.index)] : "class " + std::to_string(t.index);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%5.1f%%  ", 100.0 * double(t.probability));
      lines.push_back(std::to_string(i + 1) + ". " + buf + name);
    }
  }
  const double scale = std::clamp(double(std::max(out.cols, out.rows)) / 1000.0, 0.4, 1.2);
  const int thickness = scale > 0.8 ? 2 : 1;
  int baseline = 0;
  const int line_h = cv::getTextSize("Ag", cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline).height + baseline + 6;
  int box_w = 0;
  for (const std::string& s : lines)
    box_w = std::max(box_w, cv::getTextSize(s, cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline).width);
  const cv::Rect box = cv::Rect(4, 4, box_w + 12, line_h * int(lines.size()) + 8) & cv::Rect(0, 0, out.cols, out.rows);
  cv::Mat roi = out(box);
  roi.convertTo(roi, -1, 0.35);  // darken under the text, whole region at once
  for (size_t i = 0; i < lines.size(); ++i)
    cv::putText(out, lines[i], {box.x + 6, box.y + 4 + line_h * int(i + 1) - baseline - 3}, cv::FONT_HERSHEY_SIMPLEX,
                scale, cv::Scalar(255, 255, 255), thickness, cv::LINE_AA);
  return out;
}

}  // namespace revcol
