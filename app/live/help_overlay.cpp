#include "help_overlay.h"

#include <imgui.h>

#include <algorithm>

#include "keys.h"

namespace revcol::live {

void drawHelpOverlay() {
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Always,
                          ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowBgAlpha(0.92f);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                                 ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoMove;
  ImGui::Begin("##help", nullptr, flags);
  ImGui::TextColored(ImVec4(1.0f, 0.85f, 0.3f, 1.0f), "Keys");
  ImGui::Separator();
  float key_width = 0;
  for (const KeyBinding& b : keyBindings()) key_width = std::max(key_width, ImGui::CalcTextSize(b.label).x);
  for (const KeyBinding& b : keyBindings()) {
    ImGui::TextColored(ImVec4(1.0f, 0.85f, 0.3f, 1.0f), "%s", b.label);
    ImGui::SameLine(key_width + ImGui::GetStyle().ItemSpacing.x * 4);
    ImGui::TextUnformatted(b.what);
  }
  ImGui::End();
}

}  // namespace revcol::live
