#include "draw_util.h"

#include <algorithm>
#include <vector>

namespace revcol::live {

namespace {

// Lines of at most max_w, broken at spaces only: ImGui's own wrapping also breaks after '.' and
// '-', which splits numbers such as "4.5e-07".
std::vector<std::string> wrapAtSpaces(const std::string& text, float max_w) {
  std::vector<std::string> lines;
  std::string line;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find(' ', i);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(i, end - i);
    const std::string candidate = line.empty() ? word : line + " " + word;
    if (!line.empty() && ImGui::CalcTextSize(candidate.c_str()).x > max_w) {
      lines.push_back(line);
      line = word;
    } else {
      line = candidate;
    }
    i = end + 1;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace

Box fitInside(const Texture& t, const Box& box) {
  if (!t.valid() || box.w <= 0 || box.h <= 0) return {box.x, box.y, 0, 0};
  const float s = std::min(box.w / float(t.width()), box.h / float(t.height()));
  const float w = float(t.width()) * s, h = float(t.height()) * s;
  return {box.x + (box.w - w) * 0.5f, box.y + (box.h - h) * 0.5f, w, h};
}

Box drawImage(ImDrawList* dl, const Texture& t, const Box& box, const char* empty_text) {
  if (t.valid()) {
    Box f = fitInside(t, box);
    dl->AddImage(t.imguiId(), ImVec2(f.x, f.y), ImVec2(f.right(), f.bottom()));
    return f;
  }
  dl->AddRectFilled(ImVec2(box.x, box.y), ImVec2(box.right(), box.bottom()), colours::kEmpty);
  if (empty_text && *empty_text) {
    const float text_h = float(wrapAtSpaces(empty_text, box.w - 8).size()) * ImGui::GetTextLineHeight();
    drawTextCentred(dl, {box.x + 4, box.y + (box.h - text_h) * 0.5f, box.w - 8, text_h}, colours::kDim, empty_text);
  }
  return box;
}

void drawTextElided(ImDrawList* dl, ImVec2 pos, ImU32 col, const std::string& text, float max_w) {
  if (ImGui::CalcTextSize(text.c_str()).x <= max_w) {
    dl->AddText(pos, col, text.c_str());
    return;
  }
  // Binary search for the longest prefix that fits with "..." (whole UTF-8 characters only).
  size_t lo = 0, hi = text.size();
  while (lo < hi) {
    size_t mid = (lo + hi + 1) / 2;
    if (ImGui::CalcTextSize((text.substr(0, mid) + "...").c_str()).x <= max_w)
      lo = mid;
    else
      hi = mid - 1;
  }
  while (lo > 0 && (static_cast<unsigned char>(text[lo]) & 0xC0) == 0x80) --lo;
  const std::string cut = text.substr(0, lo) + "...";
  dl->AddText(pos, col, cut.c_str());
  const ImVec2 size = ImGui::CalcTextSize(cut.c_str());
  if (ImGui::IsMouseHoveringRect(pos, ImVec2(pos.x + size.x, pos.y + size.y), false))
    ImGui::SetTooltip("%s", text.c_str());
}

float drawTextCentred(ImDrawList* dl, const Box& box, ImU32 col, const std::string& text) {
  const float line_h = ImGui::GetTextLineHeight();
  float y = box.y;
  for (const std::string& l : wrapAtSpaces(text, box.w)) {
    const float w = ImGui::CalcTextSize(l.c_str()).x;
    dl->AddText(ImVec2(box.x + std::max(0.0f, (box.w - w) * 0.5f), y), col, l.c_str());
    y += line_h;
  }
  return y - box.y;
}

float drawTextWrapped(ImDrawList* dl, ImVec2 pos, ImU32 col, const std::string& text, float max_w) {
  const float line_h = ImGui::GetTextLineHeight();
  float y = pos.y;
  for (const std::string& l : wrapAtSpaces(text, max_w)) {
    dl->AddText(ImVec2(pos.x, y), col, l.c_str());
    y += line_h;
  }
  return y - pos.y;
}

}  // namespace revcol::live
