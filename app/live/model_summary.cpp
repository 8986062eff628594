#include "model_summary.h"

#include <cstdio>
#include <vector>

namespace revcol::live {

namespace {

std::string joinColumns(const std::vector<int>& columns) {
  std::string s;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) s += i + 1 == columns.size() ? " and " : ", ";
    s += std::to_string(columns[i]);
  }
  return s;
}

std::string predictions(const Architecture& arch) {
  switch (arch.head) {
    case HeadKind::None:
      return "no prediction head (features only)";
    case HeadKind::SingleCls:
      return "one prediction, after the last column";
    case HeadKind::IntermediateSupervision: {
      std::vector<int> cols = headColumns(arch);
      if (int(cols.size()) == arch.columns) return "a prediction after every column";
      return "predictions after columns " + joinColumns(cols);
    }
  }
  return "";
}

}  // namespace

std::string weightCount(int64_t parameters) {
  char buf[48];
  if (parameters >= 100000)
    std::snprintf(buf, sizeof buf, "%.1f million weights", double(parameters) / 1e6);
  else
    std::snprintf(buf, sizeof buf, "%lld weights", (long long)parameters);
  return buf;
}

std::string plainModelSummary(const Architecture& arch) {
  std::string s;
  if (arch.variant != "custom") s = "RevCol-" + arch.variant + ": ";
  s += std::to_string(arch.columns) + (arch.columns == 1 ? " column" : " columns") + ", widths ";
  for (int l = 0; l < 4; ++l) s += (l ? "/" : "") + std::to_string(arch.channels[size_t(l)]);
  if (arch.num_classes > 0) s += ", " + std::to_string(arch.num_classes) + " classes";
  return s + ", " + predictions(arch);
}

}  // namespace revcol::live
