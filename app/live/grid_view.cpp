#include "grid_view.h"

#include <cstdio>

#include "colour_bar.h"
#include "draw_util.h"

namespace revcol::live {

std::string emptyCellText(const LiveResult& result, int column) {
  if (result.view.mode == DisplayMode::ReconstructionError && column == result.columns - 1)
    return "last column: no next column to invert from";
  return "nothing to show";
}

std::string relErrorText(double rel_error) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1e", rel_error);
  return buf;
}

void drawGrid(ImDrawList* dl, const LiveLayout& L, const std::vector<std::array<Texture, 4>>& cells,
              const LiveResult& result, const AppState& state) {
  const Box& g = L.grid;
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const float label_w = g.w - float(cells.size()) * (L.cell + L.gap) - colourBarWidth();
  const float cells_x = g.x + label_w;
  const bool errors = result.view.mode == DisplayMode::ReconstructionError;
  for (size_t c = 0; c < cells.size(); ++c) {
    const std::string label = "column " + std::to_string(c);
    const std::string shown = ImGui::CalcTextSize(label.c_str()).x <= L.cell ? label : std::to_string(c);
    dl->AddText(ImVec2(cells_x + float(c) * (L.cell + L.gap), g.y),
                int(c) == state.column ? colours::kAccent : colours::kDim, shown.c_str());
  }
  for (int l = 0; l < 4; ++l) {
    const float y = g.y + line_h + float(l) * (L.cell + L.gap);
    const ImU32 label_col = l == state.level ? colours::kAccent : colours::kDim;
    dl->AddText(ImVec2(g.x, y), label_col, ("c" + std::to_string(l)).c_str());
    // The level's resolution: what c0..c3 mean, without a glossary.
    dl->AddText(ImVec2(g.x, y + ImGui::GetTextLineHeight()), colours::kDim, ("1/" + std::to_string(4 << l)).c_str());
    for (size_t c = 0; c < cells.size(); ++c) {
      const Box box{cells_x + float(c) * (L.cell + L.gap), y, L.cell, L.cell};
      drawImage(dl, cells[c][size_t(l)], box, emptyCellText(result, int(c)).c_str());
      const double err = c < result.coloured.rel_error.size() ? result.coloured.rel_error[c][size_t(l)] : -1.0;
      if (errors && err >= 0) {
        // The level's relative error on a dark band at the cell's foot (when it fits the cell).
        const std::string text = relErrorText(err);
        const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
        if (ts.x + 6 <= box.w) {
          const ImVec2 a(box.x, box.bottom() - ts.y - 4);
          dl->AddRectFilled(a, ImVec2(box.right(), box.bottom()), IM_COL32(0, 0, 0, 170));
          dl->AddText(ImVec2(box.x + (box.w - ts.x) * 0.5f, a.y + 2), colours::kText, text.c_str());
        }
      }
      if (int(c) == state.column && l == state.level)
        dl->AddRect(ImVec2(box.x, box.y), ImVec2(box.right(), box.bottom()), colours::kAccent, 0.0f, 0, 4.0f);
    }
    const float bar_x = cells_x + float(cells.size()) * (L.cell + L.gap);
    drawColourBar(dl, result.coloured.scales[size_t(l)], {bar_x, y, colourBarWidth(), L.cell});
  }
}

}  // namespace revcol::live
