#pragma once
// Small drawing helpers on ImGui draw lists, shared by the parts of the live view. Render thread.
#include <imgui.h>

#include <string>

#include "layout.h"
#include "texture.h"

namespace revcol::live {

namespace colours {
constexpr ImU32 kAccent = IM_COL32(255, 217, 77, 255);
constexpr ImU32 kText = IM_COL32(235, 235, 235, 255);
constexpr ImU32 kDim = IM_COL32(166, 166, 166, 255);
constexpr ImU32 kEmpty = IM_COL32(40, 40, 40, 255);
constexpr ImU32 kError = IM_COL32(255, 102, 102, 255);
constexpr ImU32 kLive = IM_COL32(230, 50, 50, 255);
}  // namespace colours

// The largest w x h with the texture's aspect ratio inside the box, centred in it.
Box fitInside(const Texture& t, const Box& box);

// The texture fitted and centred in the box; a dark box with `empty_text` (wrapped, centred) when
// there is no texture. Returns where the image went.
Box drawImage(ImDrawList* dl, const Texture& t, const Box& box, const char* empty_text);

// Text cut to max_w with "..." at the end; the whole text as a tooltip when hovered and cut.
void drawTextElided(ImDrawList* dl, ImVec2 pos, ImU32 col, const std::string& text, float max_w);

// Text wrapped to the box's width, each line centred; returns the height used.
float drawTextCentred(ImDrawList* dl, const Box& box, ImU32 col, const std::string& text);

// Text wrapped at max_w from pos; returns the height used.
float drawTextWrapped(ImDrawList* dl, ImVec2 pos, ImU32 col, const std::string& text, float max_w);

}  // namespace revcol::live
