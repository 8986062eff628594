#pragma once
// Files RevCol Studio exports from its views, in revcol-cli's formats: figures as PNG with a JSON
// sidecar recording how they were made (checkpoint and its SHA-256, input, frame, preprocessing,
// and the figure's own settings: column, level, reduction, channel, normalization, range,
// colormap), so a figure in a paper can be made again; features as .npy; reconstruction errors as
// CSV; the whole analysis as revcol-cli analyze's summary.json. Every file is written atomically.
#include <QImage>
#include <nlohmann/json.hpp>
#include <string>

#include "inference_worker.h"

namespace revcol::studio {

struct ExportProvenance {
  std::string checkpoint_file;
  std::string checkpoint_sha256;
  std::string input;         // image or video file, or webcam:N
  int64_t frame_index = -1;  // video frame; -1 otherwise
  std::string preprocess;    // how the network input was made from the frame
  std::vector<int64_t> input_shape;
};

// "figure.png" -> "figure.json".
std::string sidecarPathFor(const std::string& png_path);

// The common part of every sidecar.
nlohmann::json provenanceJson(const ExportProvenance& p);

// Writes `image` as PNG and its sidecar: provenanceJson + {"figure": kind, "file": name} + `settings`.
// Throws revcol::Error when either file cannot be written.
void saveFigure(const std::string& png_path, const QImage& image, const std::string& kind, const ExportProvenance& p,
                const nlohmann::json& settings);

// col{C}_level{L}.npy (C x H x W float32) for every column and level, added_col{C}_level{L}.npy
// (F_l) when present, head{K}_logits.npy, decoder{K}.npy — revcol-cli analyze --raw's names.
// Returns the number of files written.
int saveFeatureArrays(const std::string& dir, const AnalysisResult& analysis);

// One row per (precision, mode, recovered column, level): rel_l2 and max_abs.
std::string reconstructionCsv(const AnalysisResult& analysis);

// revcol-cli analyze's summary.json for the shown frame (model, heads, reconstruction, alphas),
// with the provenance, detections / segmentation classes when the checkpoint has them.
nlohmann::json analysisSummaryJson(const AnalysisJobResult& result, const LoadedModel& model,
                                   const ExportProvenance& p);

// CKA heat maps as JSON (revcol/result_json.h's form) with the image set (files and labels) and
// the provenance; the CSV is revcol::disentanglementCsv.
nlohmann::json disentanglementJson(const CkaJobResult& job, const ExportProvenance& p);

}  // namespace revcol::studio
