#include "cell_colours.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "revcol/feature_view.h"

namespace revcol::live {

namespace {

// Errors span orders of magnitude (float32 round-off next to a real failure), so they are coloured
// in log10; a zero error sits at this floor instead of at minus infinity.
constexpr float kErrorFloor = 1e-12f;

FloatArray log10Map(const FloatArray& hw) {
  FloatArray out = hw;
  for (float& v : out.values) v = std::log10(std::max(v, kErrorFloor));
  return out;
}

// Colours the H x W maps of one level with one range (1st..99th percentile over the whole row).
LevelScale colourRow(ColouredCells& out, int level, const std::vector<FloatArray>& maps,
                     const std::vector<int>& columns, ColormapId cmap) {
  std::vector<const FloatArray*> ptrs;
  for (const FloatArray& m : maps) ptrs.push_back(&m);
  LevelScale scale;
  if (ptrs.empty()) return scale;
  ValueRange r = percentileRange(ptrs, 1.0, 99.0);
  for (size_t i = 0; i < maps.size(); ++i) out.cells[columns[i]][level] = colorizeMap(maps[i], r.lo, r.hi, cmap);
  scale.valid = true;
  scale.colormap = cmap;
  scale.lo = r.lo;
  scale.hi = r.hi;
  return scale;
}

void colourFeatures(const AnalysisResult& analysis, const ViewSettings& view, int level, ColouredCells& out) {
  std::vector<FloatArray> maps;
  std::vector<int> columns;
  int shown_channel = 0;
  for (int c = 0; c < int(analysis.columns.size()); ++c) {
    const FloatArray& f = analysis.columns[c].levels[level];
    if (f.shape.size() != 3) continue;
    shown_channel = std::clamp(view.channel, 0, int(f.shape[0]) - 1);
    maps.push_back(view.mode == DisplayMode::MeanAbs ? reduceChannels(f, Reduction::MeanAbs)
                                                     : reduceChannels(f, Reduction::Channel, shown_channel));
    columns.push_back(c);
  }
  const bool mean = view.mode == DisplayMode::MeanAbs;
  LevelScale& s = out.scales[level];
  s = colourRow(out, level, maps, columns, mean ? ColormapId::Viridis : ColormapId::Magma);
  s.quantity = mean ? "mean |activation|" : "channel " + std::to_string(shown_channel);
}

void colourPca(const AnalysisResult& analysis, int level, ColouredCells& out) {
  std::vector<const FloatArray*> feats;
  for (const ColumnAnalysis& col : analysis.columns)
    if (col.levels[level].shape.size() == 3) feats.push_back(&col.levels[level]);
  if (feats.empty()) return;
  PcaBasis basis = fitPcaBasis(feats);
  for (size_t c = 0; c < analysis.columns.size(); ++c)
    if (analysis.columns[c].levels[level].shape.size() == 3)
      out.cells[c][level] = unitChwToRgb(projectPca(analysis.columns[c].levels[level], basis));
  LevelScale& s = out.scales[level];
  s.valid = s.pca = true;
  // projectPca maps a projection p to 0.5 + p / scale, clamped to [0, 1]: full colour at +scale/2.
  for (size_t i = 0; i < 3 && i < basis.scale.size(); ++i) s.pca_half[i] = basis.scale[i] * 0.5f;
  s.quantity = "projection on components 1, 2, 3";
}

void colourErrors(const AnalysisResult& analysis, int level, ColouredCells& out) {
  if (analysis.reconstructions.empty()) return;
  const int n = int(analysis.columns.size());
  std::vector<FloatArray> maps;
  std::vector<int> columns;
  for (const ColumnReconstruction& cr : analysis.reconstructions.front().columns) {
    if (cr.target < 0 || cr.target >= n) continue;
    out.rel_error[cr.target][level] = cr.levels[level].rel_l2;
    if (cr.levels[level].map.empty()) continue;
    maps.push_back(log10Map(cr.levels[level].map));
    columns.push_back(cr.target);
  }
  LevelScale& s = out.scales[level];
  s = colourRow(out, level, maps, columns, ColormapId::Magma);
  s.log10 = true;
  s.quantity = "|recovered - true|, mean over channels";
}

}  // namespace

ColouredCells colourCells(const AnalysisResult& analysis, const ViewSettings& view) {
  const size_t n = analysis.columns.size();
  ColouredCells out;
  out.cells.resize(n);
  std::array<double, 4> none;
  none.fill(-1.0);
  out.rel_error.assign(n, none);
  for (int level = 0; level < 4; ++level) {
    switch (view.mode) {
      case DisplayMode::MeanAbs:
      case DisplayMode::Channel:
        colourFeatures(analysis, view, level, out);
        break;
      case DisplayMode::Pca:
        colourPca(analysis, level, out);
        break;
      case DisplayMode::ReconstructionError:
        colourErrors(analysis, level, out);
        break;
    }
  }
  return out;
}

std::string scaleLabel(const LevelScale& scale, float v) {
  char buf[32];
  if (scale.log10)
    std::snprintf(buf, sizeof buf, "%.1e", std::pow(10.0, double(v)));
  else if (v != 0 && (std::fabs(v) < 0.01f || std::fabs(v) >= 10000.0f))
    std::snprintf(buf, sizeof buf, "%.1e", double(v));
  else
    std::snprintf(buf, sizeof buf, "%.3g", double(v));
  return buf;
}

}  // namespace revcol::live
