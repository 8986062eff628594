#include "live_view.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace revcol::live {

namespace {

const ImVec4 kAccent(1.0f, 0.85f, 0.3f, 1.0f);
const ImVec4 kDim(0.65f, 0.65f, 0.65f, 1.0f);

// The largest size with the texture's aspect ratio inside (w, h).
ImVec2 fit(const Texture& t, float w, float h) {
  if (!t.valid() || w <= 0 || h <= 0) return ImVec2(0, 0);
  float s = std::min(w / float(t.width()), h / float(t.height()));
  return ImVec2(float(t.width()) * s, float(t.height()) * s);
}

// Draws the texture centred in a w x h box (a grey box with `empty_text` when there is none).
void imageBox(const Texture& t, float w, float h, const char* empty_text, bool highlight) {
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (t.valid()) {
    ImVec2 s = fit(t, w, h);
    ImVec2 a(p.x + (w - s.x) * 0.5f, p.y + (h - s.y) * 0.5f);
    dl->AddImage(t.imguiId(), a, ImVec2(a.x + s.x, a.y + s.y));
  } else {
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), IM_COL32(40, 40, 40, 255));
    ImVec2 ts = ImGui::CalcTextSize(empty_text);
    dl->AddText(ImVec2(p.x + (w - ts.x) * 0.5f, p.y + (h - ts.y) * 0.5f), IM_COL32(150, 150, 150, 255), empty_text);
  }
  if (highlight) dl->AddRect(p, ImVec2(p.x + w, p.y + h), IM_COL32(255, 217, 77, 255), 0.0f, 0, 4.0f);
  ImGui::Dummy(ImVec2(w, h));
}

}  // namespace

bool LiveView::update(const cv::Mat& input, uint64_t input_seq, const LiveWorker& worker) {
  if (input_seq != input_seq_ && !input.empty()) {
    input_.upload(input, false);
    input_seq_ = input_seq;
  }
  uint64_t generation = 0;
  std::shared_ptr<const LiveResult> r = worker.result(&generation);
  if (r && generation != generation_) {
    generation_ = generation;
    result_ = r;
    cells_.resize(r->cells.size());
    for (size_t c = 0; c < r->cells.size(); ++c)
      for (int l = 0; l < 4; ++l) cells_[c][l].upload(r->cells[c][l], true);
  }
  return result_ != nullptr;
}

void LiveView::draw(const AppState& state, const FrameStats& stats) {
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("##live", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav);

  ImGui::TextColored(kAccent, "RevCol live");
  ImGui::SameLine();
  ImGui::TextUnformatted(stats.model.empty() ? "loading the model..." : stats.model.c_str());
  const std::string precision = stats.precision.empty() ? "" : " (" + stats.precision + ")";
  ImGui::Text("display %.0f fps   model %.1f fps%s   %s%s", stats.display_fps, stats.model_fps, precision.c_str(),
              stats.source.c_str(), state.paused ? "   [paused]" : "");
  std::string mode = std::string("mode: ") + toString(state.view.mode);
  if (state.view.mode == DisplayMode::Channel) mode += " #" + std::to_string(state.view.channel);
  ImGui::TextColored(kAccent, "%s", mode.c_str());
  if (result_ && !result_->top1.empty()) {
    ImGui::SameLine();
    ImGui::Text("   prediction: %s", result_->top1.c_str());
  }
  if (!stats.error.empty()) ImGui::TextColored(ImVec4(1.0f, 0.4f, 0.4f, 1.0f), "%s", stats.error.c_str());

  ImVec2 avail = ImGui::GetContentRegionAvail();
  const float hint_h = ImGui::GetTextLineHeightWithSpacing();
  const float left_w = avail.x * 0.38f;
  const float body_h = std::max(10.0f, avail.y - hint_h);
  ImGui::BeginChild("##left", ImVec2(left_w, body_h), false, ImGuiWindowFlags_NoScrollbar);
  const float half = (body_h - ImGui::GetTextLineHeightWithSpacing() * 2) * 0.5f;
  ImGui::TextColored(kDim, "input");
  imageBox(input_, left_w, half, "waiting for the source...", false);
  drawLarge(state, left_w, half);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##grid", ImVec2(0, body_h), false, ImGuiWindowFlags_NoScrollbar);
  drawGrid(state, ImGui::GetContentRegionAvail().x, body_h);
  ImGui::EndChild();
  ImGui::TextColored(kDim,
                     "H / F1: keys   M: mode   arrows: column / level   Space: pause   F: full screen   Esc: quit");
  ImGui::End();
}

void LiveView::drawLarge(const AppState& state, float width, float height) {
  const int c = std::clamp(state.column, 0, std::max(0, int(cells_.size()) - 1));
  const int l = std::clamp(state.level, 0, 3);
  char caption[128];
  long long ch = result_ ? (long long)result_->level_channels[l] : 0;
  std::snprintf(caption, sizeof caption, "column %d, level c%d (%lld channels)", c, l, ch);
  ImGui::TextColored(kAccent, "%s", caption);
  const Texture* t = c < int(cells_.size()) ? &cells_[c][l] : nullptr;
  static const Texture none;
  imageBox(t ? *t : none, width, height, result_ ? "nothing to show (no next column to invert)" : "", false);
}

void LiveView::drawGrid(const AppState& state, float width, float height) {
  const int n = std::max(1, int(cells_.size()));
  const ImGuiStyle& style = ImGui::GetStyle();
  const float label_w = ImGui::CalcTextSize("c0 ").x;
  const float header_h = ImGui::GetTextLineHeightWithSpacing();
  const float cell = std::max(8.0f, std::min((width - label_w) / float(n) - style.ItemSpacing.x,
                                             (height - header_h) / 4.0f - style.ItemSpacing.y));
  ImGui::Dummy(ImVec2(label_w - style.ItemSpacing.x, 1));
  for (int c = 0; c < n; ++c) {
    ImGui::SameLine(label_w + float(c) * (cell + style.ItemSpacing.x));
    ImGui::TextColored(c == state.column ? kAccent : kDim, "col %d", c);
  }
  static const Texture none;
  for (int l = 0; l < 4; ++l) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(l == state.level ? kAccent : kDim, "c%d", l);
    for (int c = 0; c < n; ++c) {
      ImGui::SameLine(label_w + float(c) * (cell + style.ItemSpacing.x));
      const Texture& t = c < int(cells_.size()) ? cells_[c][l] : none;
      imageBox(t, cell, cell, "-", c == state.column && l == state.level);
    }
  }
}

}  // namespace revcol::live
