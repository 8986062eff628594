#pragma once
// The column x level grid: a column label above each column, a level label before each row, the
// row's colour bar after it; in the reconstruction error mode each cell's relative error is written
// in it, and the last column says why it has no map. Render thread.
#include <imgui.h>

#include <array>
#include <string>
#include <vector>

#include "app_state.h"
#include "layout.h"
#include "live_result.h"
#include "texture.h"

namespace revcol::live {

// What an empty cell says: in the error mode the last column has no next column to invert from.
std::string emptyCellText(const LiveResult& result, int column);

// Relative error as written in a cell: "rel. err 2.1e-07".
std::string relErrorText(double rel_error);

void drawGrid(ImDrawList* dl, const LiveLayout& layout, const std::vector<std::array<Texture, 4>>& cells,
              const LiveResult& result, const AppState& state);

}  // namespace revcol::live
