#include "prediction_bars.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "draw_util.h"
#include "revcol/palette.h"

namespace revcol::live {

float drawPredictionBars(ImDrawList* dl, const Box& box, const std::vector<HeadTop1>& heads, ImFont* large) {
  const float y0 = box.y;
  float y = box.y;
  const char* title = heads.size() > 1 ? "What each column predicts" : "Prediction";
  dl->AddText(ImVec2(box.x, y), colours::kAccent, title);
  y += ImGui::GetTextLineHeightWithSpacing();
  if (heads.empty()) {
    return y - y0 +
           drawTextWrapped(dl, ImVec2(box.x, y), colours::kDim, "This model has no classification head: features only.",
                           box.w);
  }
  ImGui::PushFont(large);
  const float big_h = ImGui::GetTextLineHeight();
  for (const HeadTop1& h : heads) {
    drawTextElided(dl, ImVec2(box.x, y), colours::kText, "column " + std::to_string(h.column) + ": " + h.name, box.w);
    y += big_h;
    // The bar: its length is the probability (the whole track is 100 %), the number inside its
    // right end; its colour is the class's, so a column that changes its mind shows another colour.
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.0f %%", 100.0 * double(h.probability));
    const float bar_h = big_h * 1.1f;
    const Rgb c = qualitativeColor(int(h.index));
    dl->AddRectFilled(ImVec2(box.x, y), ImVec2(box.right(), y + bar_h), IM_COL32(55, 55, 60, 255));
    const float fill = box.w * std::clamp(h.probability, 0.0f, 1.0f);
    dl->AddRectFilled(ImVec2(box.x, y), ImVec2(box.x + fill, y + bar_h), IM_COL32(c[0], c[1], c[2], 255));
    const ImVec2 at(box.right() - ImGui::CalcTextSize(pct).x - big_h * 0.2f, y + (bar_h - big_h) * 0.5f);
    dl->AddText(ImVec2(at.x + 2, at.y + 2), IM_COL32(0, 0, 0, 200), pct);  // readable over any class colour
    dl->AddText(at, colours::kText, pct);
    y += bar_h + big_h * 0.5f;
  }
  ImGui::PopFont();
  return y - y0;
}

}  // namespace revcol::live
