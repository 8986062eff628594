#include "cell_colours.h"

#include <algorithm>

#include "revcol/colorize.h"
#include "revcol/feature_view.h"

namespace revcol::live {

namespace {

// Colours H x W maps of one level with one range (1st..99th percentile over the whole row).
void colourRow(std::vector<std::array<cv::Mat, 4>>& cells, int level, const std::vector<FloatArray>& maps,
               const std::vector<int>& columns, ColormapId cmap) {
  std::vector<const FloatArray*> ptrs;
  for (const FloatArray& m : maps) ptrs.push_back(&m);
  if (ptrs.empty()) return;
  ValueRange r = percentileRange(ptrs, 1.0, 99.0);
  for (size_t i = 0; i < maps.size(); ++i) cells[columns[i]][level] = colorizeMap(maps[i], r.lo, r.hi, cmap);
}

}  // namespace

std::vector<std::array<cv::Mat, 4>> colourCells(const AnalysisResult& analysis, const ViewSettings& view) {
  const int n = int(analysis.columns.size());
  std::vector<std::array<cv::Mat, 4>> cells(n);
  for (int level = 0; level < 4; ++level) {
    std::vector<FloatArray> maps;
    std::vector<int> columns;
    switch (view.mode) {
      case DisplayMode::MeanAbs:
      case DisplayMode::Channel:
        for (int c = 0; c < n; ++c) {
          const FloatArray& f = analysis.columns[c].levels[level];
          if (f.shape.size() != 3) continue;
          int ch = std::clamp(view.channel, 0, int(f.shape[0]) - 1);
          maps.push_back(view.mode == DisplayMode::MeanAbs ? reduceChannels(f, Reduction::MeanAbs)
                                                           : reduceChannels(f, Reduction::Channel, ch));
          columns.push_back(c);
        }
        colourRow(cells, level, maps, columns,
                  view.mode == DisplayMode::MeanAbs ? ColormapId::Viridis : ColormapId::Magma);
        break;
      case DisplayMode::Pca: {
        std::vector<const FloatArray*> feats;
        for (int c = 0; c < n; ++c)
          if (analysis.columns[c].levels[level].shape.size() == 3) feats.push_back(&analysis.columns[c].levels[level]);
        if (feats.empty()) break;
        PcaBasis basis = fitPcaBasis(feats);
        for (int c = 0; c < n; ++c)
          if (analysis.columns[c].levels[level].shape.size() == 3)
            cells[c][level] = unitChwToRgb(projectPca(analysis.columns[c].levels[level], basis));
        break;
      }
      case DisplayMode::ReconstructionError:
        if (analysis.reconstructions.empty()) break;
        for (const ColumnReconstruction& cr : analysis.reconstructions.front().columns) {
          if (cr.levels[level].map.empty() || cr.target < 0 || cr.target >= n) continue;
          maps.push_back(cr.levels[level].map);
          columns.push_back(cr.target);
        }
        colourRow(cells, level, maps, columns, ColormapId::Magma);
        break;
    }
  }
  return cells;
}

}  // namespace revcol::live
