#include "revcol/result_json.h"

#include <cmath>
#include <cstdio>

#include "revcol/level_name.h"

namespace revcol {

const char* toString(Precision precision) { return precision == Precision::Float64 ? "fp64" : "fp32"; }
const char* toString(ReconstructionMode mode) { return mode == ReconstructionMode::Chain ? "chain" : "step"; }

namespace {

const char* resizeName(ResizeMode m) {
  switch (m) {
    case ResizeMode::CenterCrop:
      return "center_crop";
    case ResizeMode::Warp:
      return "warp";
    case ResizeMode::None:
      return "none";
  }
  return "?";
}

}  // namespace

nlohmann::json toJson(const ImagenetPreprocess& p, const std::string& name) {
  return {{"name", name},   {"resize", resizeName(p.mode)},
          {"size", p.size}, {"resize_shorter", p.resizeShorter},
          {"mean", p.mean}, {"std", p.std}};
}

nlohmann::json toJson(const ModelInfo& info) {
  const Architecture& a = info.architecture;
  return {
      {"file", info.file},
      {"weights", info.weights_source},
      {"has_ema", info.has_ema},
      {"device", info.device},
      {"cpu_path", info.cpu_path},
      {"parameters", info.parameter_count},
      {"variant", a.variant},
      {"task", toString(a.task)},
      {"channels", a.channels},
      {"layers", a.layers},
      {"columns", a.columns},
      {"kernel_size", a.kernel_size},
      {"huge", a.huge},
      {"num_classes", a.num_classes},
      {"head", toString(a.head)},
      {"num_heads", a.num_heads},
      {"head_columns", headColumns(a)},
      {"decoder", toString(a.decoder)},
      {"num_decoders", a.num_decoders},
      {"weights_prefix", a.weights_prefix},
      {"description", describe(a)},
  };
}

nlohmann::json toJson(const HeadOutput& head, const std::vector<std::string>& class_names) {
  nlohmann::json top = nlohmann::json::array();
  for (const TopClass& t : head.top) {
    const std::string name = t.index >= 0 && size_t(t.index) < class_names.size() ? class_names[size_t(t.index)] : "";
    top.push_back({{"index", t.index}, {"name", name}, {"logit", t.logit}, {"probability", t.probability}});
  }
  return {{"head", head.head}, {"column", head.column}, {"top", top}};
}

nlohmann::json toJson(const Reconstruction& r) {
  nlohmann::json columns = nlohmann::json::array();
  for (const ColumnReconstruction& c : r.columns) {
    nlohmann::json levels = nlohmann::json::array();
    for (size_t l = 0; l < c.levels.size(); ++l)
      levels.push_back({{"level", l},
                        {"level_name", levelName(int(l))},
                        {"rel_l2", c.levels[l].rel_l2},
                        {"max_abs", c.levels[l].max_abs}});
    columns.push_back({{"recovered_column", c.target}, {"inverted_column", c.target + 1}, {"levels", levels}});
  }
  return {{"precision", toString(r.precision)}, {"mode", toString(r.mode)}, {"columns", columns}};
}

nlohmann::json toJson(const AlphaStats& a) {
  return {{"min_abs", a.min_abs},   {"mean_abs", a.mean_abs}, {"max_abs", a.max_abs},
          {"channels", a.channels}, {"clamped", a.clamped},   {"negative", a.negative}};
}

nlohmann::json toJson(const DisentanglementResult& r) {
  auto grid = [](const CkaHeatmap& map) {
    nlohmann::json columns = nlohmann::json::array();
    for (const auto& column : map.values) {
      nlohmann::json levels = nlohmann::json::array();
      for (double v : column) levels.push_back(std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr));
      columns.push_back(levels);
    }
    return columns;
  };
  nlohmann::json level_names = nlohmann::json::array();
  for (int l = 0; l < 4; ++l) level_names.push_back(levelName(l));
  return {{"method", "linear CKA, unbiased HSIC (tools/visual.py); values [column][level]; null where undefined"},
          {"level_name", level_names},  // the [level] index's names, as the figures label their rows
          {"images", r.images},
          {"label_classes", r.label_classes},
          {"vs_input", grid(r.vs_input)},
          {"vs_labels", r.vs_labels ? grid(*r.vs_labels) : nlohmann::json(nullptr)}};
}

std::string disentanglementCsv(const DisentanglementResult& r) {
  std::string csv = "against,column,level,cka\n";
  for (const CkaHeatmap* map : {&r.vs_input, r.vs_labels ? &*r.vs_labels : nullptr}) {
    if (!map) continue;
    for (size_t c = 0; c < map->values.size(); ++c)
      for (size_t l = 0; l < 4; ++l) {
        char v[40];
        std::snprintf(v, sizeof v, "%.17g", map->values[c][l]);
        csv += map->against + "," + std::to_string(c) + "," + std::to_string(l) + "," + v + "\n";
      }
  }
  return csv;
}

}  // namespace revcol
