#include "colour_bar.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

#include "draw_util.h"
#include "revcol/colorize.h"

namespace revcol::live {

namespace {

constexpr int kSteps = 48;  // bands per bar: smooth at projector sizes, a few dozen rectangles

// The colormap sampled top (1) to bottom (0), through core's colorizeMap so the bar matches the
// cells exactly. Cached: the render loop draws several bars every frame.
const cv::Mat& ramp(ColormapId map) {
  static std::map<ColormapId, cv::Mat> cache;
  auto it = cache.find(map);
  if (it != cache.end()) return it->second;
  FloatArray values{{kSteps, 1}, std::vector<float>(kSteps)};
  for (int i = 0; i < kSteps; ++i) values.values[size_t(i)] = 1.0f - float(i) / float(kSteps - 1);
  return cache[map] = colorizeMap(values, 0.0f, 1.0f, map);
}

float stripeWidth() { return ImGui::GetFontSize() * 0.6f; }

void drawRamp(ImDrawList* dl, const Box& s, ColormapId map) {
  const cv::Mat& r = ramp(map);
  const float band = s.h / float(kSteps);
  for (int i = 0; i < kSteps; ++i) {
    const cv::Vec3b c = r.at<cv::Vec3b>(i, 0);
    dl->AddRectFilled(ImVec2(s.x, s.y + band * float(i)), ImVec2(s.right(), s.y + band * float(i + 1) + 0.5f),
                      IM_COL32(c[0], c[1], c[2], 255));
  }
}

}  // namespace

float colourBarWidth() { return stripeWidth() + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize("-8.8e-08").x; }

void drawColourBar(ImDrawList* dl, const LevelScale& scale, const Box& box) {
  if (!scale.valid || box.h <= 0) return;
  const float line_h = ImGui::GetTextLineHeight();
  const float text_x = box.x + stripeWidth() + ImGui::GetStyle().ItemSpacing.x;
  if (!scale.pca) {
    const Box stripe{box.x, box.y, stripeWidth(), box.h};
    drawRamp(dl, stripe, scale.colormap);
    dl->AddText(ImVec2(text_x, box.y), colours::kText, scaleLabel(scale, scale.hi).c_str());
    if (box.h >= 2 * line_h)
      dl->AddText(ImVec2(text_x, box.bottom() - line_h), colours::kText, scaleLabel(scale, scale.lo).c_str());
    if (scale.log10 && box.h >= 3.2f * line_h)
      dl->AddText(ImVec2(text_x, box.y + (box.h - line_h) * 0.5f), colours::kDim, "log");
    return;
  }
  // PCA: component k's channel goes from 0 (projection -half) to 255 (+half).
  const float w = stripeWidth() / 3.0f;
  const std::array<ImU32, 3> full = {IM_COL32(255, 0, 0, 255), IM_COL32(0, 255, 0, 255), IM_COL32(0, 0, 255, 255)};
  for (int k = 0; k < 3; ++k)
    dl->AddRectFilledMultiColor(ImVec2(box.x + w * float(k), box.y), ImVec2(box.x + w * float(k + 1), box.bottom()),
                                full[k], full[k], IM_COL32(0, 0, 0, 255), IM_COL32(0, 0, 0, 255));
  const char* names[] = {"R", "G", "B"};
  for (int k = 0; k < 3 && float(k + 1) * line_h <= box.h; ++k) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s \xC2\xB1%s", names[k], scaleLabel(scale, scale.pca_half[size_t(k)]).c_str());
    dl->AddText(ImVec2(text_x, box.y + line_h * float(k)), colours::kText, buf);
  }
}

}  // namespace revcol::live
