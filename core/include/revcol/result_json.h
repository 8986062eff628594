#pragma once
// JSON forms of core's plain results, shared by everything that prints or writes them (revcol-cli,
// the exporter, RevCol Studio's exports), so a file means the same wherever it came from.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "revcol/analysis.h"
#include "revcol/model.h"

namespace revcol {

nlohmann::json toJson(const ModelInfo& info);
nlohmann::json toJson(const HeadOutput& head, const std::vector<std::string>& class_names);
nlohmann::json toJson(const Reconstruction& reconstruction);
nlohmann::json toJson(const AlphaStats& alpha);
const char* toString(Precision precision);
const char* toString(ReconstructionMode mode);

}  // namespace revcol
