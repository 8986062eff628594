#pragma once
// JSON forms of core's plain results, shared by the commands that print or write them.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "revcol/analysis.h"
#include "revcol/model.h"

namespace revcol::cli {

nlohmann::json toJson(const ModelInfo& info);
nlohmann::json toJson(const HeadOutput& head, const std::vector<std::string>& class_names);
nlohmann::json toJson(const Reconstruction& reconstruction);
nlohmann::json toJson(const AlphaStats& alpha);
const char* toString(Precision precision);
const char* toString(ReconstructionMode mode);

}  // namespace revcol::cli
