#pragma once
// Every head's best class as a bar proportional to its probability, one per column with a head,
// labelled "column 2: Bag  61 %": with intermediate supervision the class sees the model grow surer
// column by column (the demo: 34 % -> 61 % -> 62 % -> 69 %). Render thread.
#include <imgui.h>

#include <vector>

#include "layout.h"
#include "live_result.h"

namespace revcol::live {

// Draws from the box's top with `large` (a bigger font, for the back of a room); returns the
// height used.
float drawPredictionBars(ImDrawList* dl, const Box& box, const std::vector<HeadTop1>& heads, ImFont* large);

}  // namespace revcol::live
