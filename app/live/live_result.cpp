#include "live_result.h"

namespace revcol::live {

LiveResult makeLiveResult(const AnalysisResult& analysis, const cv::Mat& frame, uint64_t frame_seq,
                          const ViewSettings& view, const std::vector<std::string>& class_names) {
  LiveResult out;
  out.frame_seq = frame_seq;
  out.frame = frame;
  out.view = view;
  out.columns = int(analysis.columns.size());
  out.coloured = colourCells(analysis, view);
  for (int l = 0; l < 4; ++l)
    if (!analysis.columns.empty() && !analysis.columns.back().levels[l].shape.empty())
      out.level_channels[l] = analysis.columns.back().levels[l].shape[0];
  for (const HeadOutput& h : analysis.heads) {
    if (h.top.empty()) continue;
    const TopClass& t = h.top.front();
    HeadTop1 top;
    top.column = h.column;
    top.index = t.index;
    top.name = t.index >= 0 && t.index < int64_t(class_names.size()) ? class_names[size_t(t.index)]
                                                                     : "class " + std::to_string(t.index);
    top.probability = t.probability;
    out.heads.push_back(std::move(top));
  }
  return out;
}

}  // namespace revcol::live
