#include "loading_screen.h"

#include <algorithm>
#include <cstdio>

#include "draw_util.h"

namespace revcol::live {

namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

std::string sized(const LoadingInfo& info) {
  if (info.model_mb <= 0) return info.model_file;
  char buf[32];
  std::snprintf(buf, sizeof buf, " (%.1f MB)", info.model_mb);
  return info.model_file + buf;
}

}  // namespace

std::vector<LoadingStep> loadingSteps(const LoadingInfo& info) {
  using Stage = LoadingStatus::Stage;
  const LoadingStatus& st = info.status;
  std::vector<LoadingStep> steps(3);
  steps[0].done = info.live_seq > 0;
  steps[0].active = !steps[0].done;
  steps[0].text = "Input: " + info.source + (steps[0].done ? ", first frame read" : ", waiting for the first frame");

  const bool loaded = st.stage != Stage::LoadingModel && st.stage != Stage::Failed;
  steps[1].done = loaded;
  steps[1].active = st.stage == Stage::LoadingModel;
  if (loaded)
    steps[1].text = "Model: " + sized(info) + ", loaded in " + seconds(st.load_seconds) +
                    (info.summary.empty() ? "" : ": " + info.summary);
  else
    // Core's loader reports no progress: say what it does and for how long it has been at it.
    steps[1].text =
        "Model: reading " + sized(info) + " and checking the fast CPU path (" + seconds(st.stage_seconds) + ")";

  steps[2].done = st.stage == Stage::Ready;
  steps[2].active = st.stage == Stage::FirstAnalysis;
  if (st.stage == Stage::FirstAnalysis) {
    const int total = std::max(st.steps_total, 1);
    steps[2].fraction = float(std::clamp(st.steps_done, 0, total)) / float(total);
    steps[2].text = "First analysis: frame " + std::to_string(st.frame_seq) + ", step " +
                    std::to_string(st.steps_done) + " of " + std::to_string(st.steps_total) + " (" +
                    seconds(st.stage_seconds) + ")";
  } else {
    steps[2].text = "First analysis: every column and level of one frame";
  }
  return steps;
}

float loadingFraction(const std::vector<LoadingStep>& steps) {
  float done = 0;
  for (const LoadingStep& s : steps) done += s.done ? 1.0f : (s.active && s.fraction > 0 ? s.fraction : 0.0f);
  return steps.empty() ? 0 : done / float(steps.size());
}

void drawLoadingScreen(const LoadingInfo& info, const Texture& live, ImFont* large) {
  const ImVec2 size = ImGui::GetIO().DisplaySize;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float pad = ImGui::GetFontSize();
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  // The steps on the left 60 %, the newest frame on the right: the class sees the camera works.
  const float text_w = size.x * 0.6f - 2 * pad;
  float y = size.y * 0.12f;
  ImGui::PushFont(large);
  dl->AddText(ImVec2(pad * 2, y), colours::kAccent, "RevCol live is getting ready");
  y += ImGui::GetTextLineHeightWithSpacing() * 1.5f;
  ImGui::PopFont();

  const std::vector<LoadingStep> steps = loadingSteps(info);
  for (size_t i = 0; i < steps.size(); ++i) {
    const LoadingStep& s = steps[i];
    const char* mark = s.done ? "done" : s.active ? "now" : "next";
    const ImU32 col = s.done ? colours::kText : s.active ? colours::kAccent : colours::kDim;
    dl->AddText(ImVec2(pad * 2, y), col, mark);
    const float x = pad * 2 + ImGui::CalcTextSize("next ").x + pad;
    y += drawTextWrapped(dl, ImVec2(x, y), col, std::to_string(i + 1) + ". " + s.text, text_w - x) + line_h * 0.5f;
  }

  // Overall progress: whole steps done plus the measured part of the active one.
  const float fraction = loadingFraction(steps);
  y += line_h * 0.5f;
  const float bar_h = line_h * 0.8f;
  dl->AddRectFilled(ImVec2(pad * 2, y), ImVec2(pad * 2 + text_w, y + bar_h), IM_COL32(55, 55, 60, 255));
  dl->AddRectFilled(ImVec2(pad * 2, y), ImVec2(pad * 2 + text_w * fraction, y + bar_h), colours::kAccent);
  char pct[48];
  std::snprintf(pct, sizeof pct, "%.0f %% of 3 steps", 100.0 * double(fraction));
  y += bar_h + line_h * 0.3f;
  dl->AddText(ImVec2(pad * 2, y), colours::kDim, pct);
  y += line_h * 1.5f;
  if (!info.error.empty())
    drawTextWrapped(dl, ImVec2(pad * 2, y), colours::kError, "Could not start: " + info.error, text_w);

  if (live.valid()) {
    const Box slot{size.x * 0.62f, size.y * 0.12f + line_h, size.x * 0.38f - 2 * pad, size.y * 0.6f};
    dl->AddText(ImVec2(slot.x, slot.y - line_h), colours::kDim,
                ("the input: frame " + std::to_string(info.live_seq) + " (live)").c_str());
    const Box f = fitInside(live, slot);
    dl->AddImage(live.imguiId(), ImVec2(f.x, slot.y), ImVec2(f.right(), slot.y + f.h));
  }
}

}  // namespace revcol::live
