#include "layout.h"

#include <algorithm>

namespace revcol::live {

LiveLayout computeLayout(float width, float height, const LayoutMetrics& m, int columns) {
  const int n = std::max(1, columns);
  const float pad = m.pad;
  LiveLayout L;
  L.gap = pad * 0.5f;
  L.header = {pad, pad, width - 2 * pad, 3 * m.line_h};
  L.footer = {pad, height - pad - m.line_h, width - 2 * pad, m.line_h};
  const float top = L.header.bottom() + pad;
  const float body_h = std::max(40.0f, L.footer.y - pad - top);

  // The side panels keep a share of the width each (the predictions need their words, the input
  // its picture); the grid takes what is left, up to square cells as tall as the body allows.
  const float inner_w = width - 2 * pad - 2 * pad;  // two gaps between the three parts
  const float right_min = std::max(0.2f * width, 10 * m.line_h);
  const float left_min = 0.22f * width;
  const float grid_fixed = m.row_label_w + m.scale_w + float(n) * L.gap;  // a gap after each column
  const float cell_by_h = (body_h - m.line_h - 3 * L.gap) / 4;
  const float cell_by_w = (inner_w - right_min - left_min - grid_fixed) / float(n);
  L.cell = std::max(8.0f, std::min(cell_by_h, cell_by_w));
  const float grid_w = grid_fixed + float(n) * L.cell;

  // The rest goes to the sides: the left as wide as its half-height picture plus a colour bar wants,
  // the right everything else, so no strip of the window is left empty.
  const float rest = inner_w - grid_w;
  const float left_want = (body_h - 2 * m.line_h) * 0.5f + m.scale_w;
  const float left_w = std::clamp(left_want, std::min(left_min, rest - right_min), std::max(0.0f, rest - right_min));
  L.left = {pad, top, left_w, body_h};
  L.grid = {L.left.right() + pad, top, grid_w, m.line_h + 4 * L.cell + 3 * L.gap};
  L.right = {L.grid.right() + pad, top, width - pad - (L.grid.right() + pad), body_h};
  return L;
}

}  // namespace revcol::live
