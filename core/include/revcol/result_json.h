#pragma once
// JSON forms of core's plain results, shared by everything that prints or writes them (revcol-cli,
// the exporter, RevCol Studio's exports), so a file means the same wherever it came from.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "revcol/analysis.h"
#include "revcol/disentanglement.h"
#include "revcol/model.h"
#include "revcol/preprocess.h"

namespace revcol {

nlohmann::json toJson(const ModelInfo& info);
nlohmann::json toJson(const HeadOutput& head, const std::vector<std::string>& class_names);
nlohmann::json toJson(const Reconstruction& reconstruction);
nlohmann::json toJson(const AlphaStats& alpha);
// {"name", "resize" (center_crop / warp / none), "size", "resize_shorter", "mean", "std"}; `name`
// says where the settings came from ("imagenet", "none", "model-card").
nlohmann::json toJson(const ImagenetPreprocess& preprocess, const std::string& name);
// {"images", "label_classes", "vs_input": [column][level], "vs_labels": [column][level] or null};
// undefined CKA (NaN) is null.
nlohmann::json toJson(const DisentanglementResult& result);
// One row per (against, column, level): "against,column,level,cka".
std::string disentanglementCsv(const DisentanglementResult& result);
const char* toString(Precision precision);
const char* toString(ReconstructionMode mode);

}  // namespace revcol
