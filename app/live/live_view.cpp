#include "live_view.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "colour_bar.h"
#include "draw_util.h"
#include "grid_view.h"
#include "prediction_bars.h"
#include "revcol/level_name.h"

namespace revcol::live {

bool LiveView::update(const ViewContent& content, ViewContent::Changes changes) {
  if (changes.live) live_.upload(content.live(), false);
  const LiveResult* r = content.result();
  if (changes.result && r) {
    // The input and the cells come from one result: they are always of the same frame.
    input_.upload(content.input(), false);
    const auto& cells = r->coloured.cells;
    cells_.resize(cells.size());
    for (size_t c = 0; c < cells.size(); ++c)
      for (size_t l = 0; l < 4; ++l) cells_[c][l].upload(cells[c][l], true);
  }
  return r != nullptr;
}

LiveLayout LiveView::layoutFor(float width, float height, int columns) {
  LayoutMetrics m;
  m.line_h = ImGui::GetTextLineHeightWithSpacing();
  m.row_label_w = ImGui::CalcTextSize("1/32").x + ImGui::GetStyle().ItemSpacing.x;
  m.scale_w = colourBarWidth();
  m.pad = std::max(6.0f, ImGui::GetFontSize() * 0.5f);
  return computeLayout(width, height, m, columns);
}

void LiveView::draw(const ViewContent& content, const AppState& state, const FrameStats& stats) {
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("##live", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoBackground);
  const LiveResult* r = content.result();
  if (!r) {
    drawLoadingScreen(stats.loading, live_, large_);
    ImGui::End();
    return;
  }
  const LiveLayout L = layoutFor(io.DisplaySize.x, io.DisplaySize.y, int(cells_.size()));
  drawHeader(L, content, state, stats);
  drawLeft(L, content, state);
  drawGrid(ImGui::GetWindowDrawList(), L, cells_, *r, state);
  drawRight(L, content);
  ImGui::GetWindowDrawList()->AddText(
      ImVec2(L.footer.x, L.footer.y), colours::kDim,
      "H / F1: keys   M: mode   arrows: column / level   Space: pause   F: full screen   Esc: quit");
  ImGui::End();
}

void LiveView::drawHeader(const LiveLayout& L, const ViewContent& content, const AppState& state,
                          const FrameStats& stats) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const char* title = "RevCol live  ";
  const float title_w = ImGui::CalcTextSize(title).x;
  dl->AddText(ImVec2(L.header.x, L.header.y), colours::kAccent, title);
  drawTextElided(dl, ImVec2(L.header.x + title_w, L.header.y), colours::kText, stats.loading.summary,
                 L.header.w - title_w);

  char rates[160];
  const std::string precision = stats.precision.empty() ? "" : " (" + stats.precision + ")";
  std::snprintf(rates, sizeof rates, "display %.0f fps   model %.1f fps%s, %.0f ms a frame", stats.display_fps,
                stats.model_fps, precision.c_str(), content.result()->model_ms);
  // Paused goes first: a cut line must not hide it.
  const std::string status = std::string(state.paused ? "PAUSED (Space resumes)   " : "") + rates + "   " +
                             stats.loading.source + "   " + stats.model_weights;
  drawTextElided(dl, ImVec2(L.header.x, L.header.y + line_h), colours::kText, status, L.header.w);

  std::string mode = std::string("Mode: ") + toString(state.view.mode);
  if (state.view.mode == DisplayMode::Channel) mode += " (channel " + std::to_string(state.view.channel) + ")";
  mode += "   (M: next mode)";
  const float mode_w = std::min(ImGui::CalcTextSize(mode.c_str()).x, L.header.w);
  drawTextElided(dl, ImVec2(L.header.x, L.header.y + 2 * line_h), colours::kAccent, mode, L.header.w);
  if (!stats.loading.error.empty())
    drawTextElided(dl, ImVec2(L.header.x + mode_w + line_h, L.header.y + 2 * line_h), colours::kError,
                   stats.loading.error, L.header.w - mode_w - line_h);
}

void LiveView::drawLeft(const LiveLayout& L, const ViewContent& content, const AppState& state) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const LiveResult& r = *content.result();
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const Box& b = L.left;
  const float picture_h = (b.h - 2 * line_h - L.gap) * 0.5f;

  drawTextElided(dl, ImVec2(b.x, b.y), colours::kText, "Analysed frame " + std::to_string(content.inputSeq()), b.w);
  const Box shown = drawImage(dl, input_, {b.x, b.y + line_h, b.w, picture_h}, "");
  if (content.showLiveInset() && live_.valid()) {
    // The newest frame, small, in the picture's corner: the camera is live even while the model
    // is still on an older frame, and it is marked so nobody mistakes it for the analysed one.
    const float side = std::max(shown.w, shown.h) * 0.34f;
    const Box slot{shown.right() - side - 4, shown.y + 4, side, side};
    const Box inset = fitInside(live_, slot);
    const Box at{slot.right() - inset.w, slot.y, inset.w, inset.h};
    dl->AddRectFilled(ImVec2(at.x - 3, at.y - 3), ImVec2(at.right() + 3, at.bottom() + 3), colours::kLive);
    dl->AddImage(live_.imguiId(), ImVec2(at.x, at.y), ImVec2(at.right(), at.bottom()));
    const std::string tag = "live " + std::to_string(content.liveSeq());
    const ImVec2 ts = ImGui::CalcTextSize(tag.c_str());
    dl->AddRectFilled(ImVec2(at.x - 3, at.bottom()), ImVec2(at.x + ts.x + 6, at.bottom() + ts.y + 2), colours::kLive);
    dl->AddText(ImVec2(at.x, at.bottom() + 1), IM_COL32(255, 255, 255, 255), tag.c_str());
  }

  const int c = std::clamp(state.column, 0, std::max(0, int(cells_.size()) - 1));
  const int l = std::clamp(state.level, 0, 3);
  std::string caption = "column " + std::to_string(c) + ", level " + levelName(l) + ", " +
                        std::to_string(r.level_channels[size_t(l)]) + " channels";
  const double err = size_t(c) < r.coloured.rel_error.size() ? r.coloured.rel_error[size_t(c)][size_t(l)] : -1.0;
  if (r.view.mode == DisplayMode::ReconstructionError && err >= 0) caption += ", relative error " + relErrorText(err);
  const float cap_y = b.y + line_h + picture_h + L.gap;
  // Wrapped, not cut: the left panel is narrow on a 1280-wide projector.
  const float cap_h = drawTextWrapped(dl, ImVec2(b.x, cap_y), colours::kAccent, caption, b.w);
  static const Texture none;
  const Texture& t = c < int(cells_.size()) ? cells_[size_t(c)][size_t(l)] : none;
  const float bar_w = colourBarWidth();
  const float cell_y = cap_y + cap_h + L.gap;
  const Box cell_box{b.x, cell_y, b.w - bar_w - L.gap, b.bottom() - cell_y};
  const Box drawn = drawImage(dl, t, cell_box, emptyCellText(r, c).c_str());
  drawColourBar(dl, r.coloured.scales[size_t(l)], {drawn.right() + L.gap, drawn.y, bar_w, drawn.h});
}

void LiveView::drawRight(const LiveLayout& L, const ViewContent& content) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const LiveResult& r = *content.result();
  const Box& b = L.right;
  float y = b.y + drawPredictionBars(dl, b, r.heads, large_ ? large_ : ImGui::GetFont());
  y += ImGui::GetTextLineHeightWithSpacing() * 0.5f;
  dl->AddText(ImVec2(b.x, y), colours::kAccent, "What the colours show");
  y += ImGui::GetTextLineHeightWithSpacing();
  drawTextWrapped(dl, ImVec2(b.x, y), colours::kDim, modeExplanation(r.view.mode), b.w);
}

}  // namespace revcol::live
