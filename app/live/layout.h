#pragma once
// Where each part of the window goes, computed from the window size and the text size alone (no
// ImGui), so tests can check that the parts fill the window at the sizes a classroom projector
// uses (1280 x 720, 1366 x 768, 1920 x 1080) without overlapping.
//
//   +-------------------------- header (3 lines) ---------------------------+
//   | left: analysed input    | grid: columns x levels,   | right: each     |
//   |  (+ live inset),        |  a colour bar per row     |  column's top-1 |
//   |  selected cell large    |                           |  as bars, key   |
//   +-------------------------- footer (1 line) ----------------------------+
namespace revcol::live {

struct Box {
  float x = 0, y = 0, w = 0, h = 0;
  float right() const { return x + w; }
  float bottom() const { return y + h; }
};

struct LayoutMetrics {
  float line_h = 20;       // a line of text with its spacing
  float row_label_w = 40;  // the grid's level labels ("c0", "1/4")
  float scale_w = 100;     // a colour bar with its end values
  float pad = 8;           // margin and gap between parts and cells
};

struct LiveLayout {
  Box header, left, grid, right, footer;
  float cell = 0;  // side of a grid cell
  float gap = 0;   // between grid cells
};

LiveLayout computeLayout(float width, float height, const LayoutMetrics& m, int columns);

}  // namespace revcol::live
