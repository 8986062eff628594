#pragma once
// The scale beside every map: a vertical colour bar with the values of its ends (top = high), or
// for PCA three ramps (red, green, blue = components 1, 2, 3) with each one's range. Render thread.
#include <imgui.h>

#include "cell_colours.h"
#include "layout.h"

namespace revcol::live {

// The width drawColourBar needs for its numbers at the current font.
float colourBarWidth();

// Draws the scale in `box` (box.w = colourBarWidth()). Nothing for an invalid scale.
void drawColourBar(ImDrawList* dl, const LevelScale& scale, const Box& box);

}  // namespace revcol::live
