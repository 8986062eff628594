#include "view_export.h"

#include <cmath>
#include <filesystem>

#include "revcol/atomic_file.h"
#include "revcol/detector.h"
#include "revcol/error.h"
#include "revcol/image_io.h"
#include "revcol/npy.h"
#include "revcol/result_json.h"
#include "revcol/version.h"

namespace fs = std::filesystem;

namespace revcol::studio {
namespace {

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

std::string sidecarPathFor(const std::string& png_path) {
  fs::path p(png_path);
  p.replace_extension(".json");
  return p.string();
}

nlohmann::json provenanceJson(const ExportProvenance& p) {
  return {{"checkpoint", {{"file", p.checkpoint_file}, {"sha256", p.checkpoint_sha256}}},
          {"input", p.input},
          {"frame", p.frame_index >= 0 ? nlohmann::json(p.frame_index) : nlohmann::json(nullptr)},
          {"preprocess", {{"description", p.preprocess}, {"input_shape", p.input_shape}}},
          {"tool", "revcol-studio " + versionString()}};
}

void saveFigure(const std::string& png_path, const QImage& image, const std::string& kind, const ExportProvenance& p,
                const nlohmann::json& settings) {
  if (image.isNull()) throw Error("nothing to export: the view is empty");
  const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
  const cv::Mat mat(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar*>(rgb.constBits()),
                    size_t(rgb.bytesPerLine()));
  saveImageAtomic(png_path, mat);
  nlohmann::json sidecar = provenanceJson(p);
  sidecar["figure"] = kind;
  sidecar["file"] = fs::path(png_path).filename().string();
  sidecar["size"] = {image.width(), image.height()};
  sidecar.update(settings);
  writeFileAtomic(sidecarPathFor(png_path), sidecar.dump(2) + "\n");
}

int saveFeatureArrays(const std::string& dir, const AnalysisResult& analysis) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir)) throw Error("cannot create folder " + dir);
  int written = 0;
  auto save = [&](const std::string& name, const FloatArray& a) {
    if (a.empty()) return;
    saveNpy((fs::path(dir) / name).string(), a);
    ++written;
  };
  for (const ColumnAnalysis& c : analysis.columns)
    for (int l = 0; l < 4; ++l) {
      const std::string suffix = "col" + std::to_string(c.column) + "_level" + std::to_string(l) + ".npy";
      save(suffix, c.levels[size_t(l)]);
      save("added_" + suffix, c.added[size_t(l)]);
    }
  for (const HeadOutput& h : analysis.heads)
    save("head" + std::to_string(h.head) + "_logits.npy", FloatArray{{int64_t(h.logits.size())}, h.logits});
  for (size_t k = 0; k < analysis.decoder_images.size(); ++k)
    save("decoder" + std::to_string(k) + ".npy", analysis.decoder_images[k]);
  return written;
}

std::string reconstructionCsv(const AnalysisResult& analysis) {
  std::string csv = "precision,mode,recovered_column,inverted_column,level,rel_l2,max_abs\n";
  for (const Reconstruction& r : analysis.reconstructions)
    for (const ColumnReconstruction& c : r.columns)
      for (int l = 0; l < 4; ++l)
        csv += std::string(toString(r.precision)) + "," + toString(r.mode) + "," + std::to_string(c.target) + "," +
               std::to_string(c.target + 1) + "," + std::to_string(l) + "," + number(c.levels[size_t(l)].rel_l2) + "," +
               number(c.levels[size_t(l)].max_abs) + "\n";
  return csv;
}

nlohmann::json analysisSummaryJson(const AnalysisJobResult& result, const LoadedModel& model,
                                   const ExportProvenance& p) {
  const AnalysisResult& a = result.analysis;
  nlohmann::json heads = nlohmann::json::array();
  for (const HeadOutput& h : a.heads) heads.push_back(toJson(h, model.class_names));
  nlohmann::json reconstructions = nlohmann::json::array();
  for (const Reconstruction& r : a.reconstructions) reconstructions.push_back(toJson(r));
  nlohmann::json alphas = nlohmann::json::array();
  for (const ColumnAnalysis& c : a.columns) {
    nlohmann::json levels = nlohmann::json::array();
    for (int l = 0; l < 4; ++l) levels.push_back(toJson(c.alphas[size_t(l)]));
    alphas.push_back({{"column", c.column}, {"levels", levels}});
  }
  nlohmann::json feature_shapes = nlohmann::json::array();
  if (!a.columns.empty())
    for (int l = 0; l < 4; ++l) feature_shapes.push_back(a.columns[0].levels[size_t(l)].shape);
  nlohmann::json summary = provenanceJson(p);
  summary["image"] = p.input;
  summary["model"] = toJson(model.info);
  summary["feature_shapes"] = feature_shapes;
  summary["heads"] = heads;
  summary["reconstruction"] = reconstructions;
  summary["alphas"] = alphas;
  if (model.task == Task::Detection)
    summary["detections"] = nlohmann::json::parse(detectionsToCocoJson(result.detections));
  if (model.task == Task::Segmentation) {
    nlohmann::json present = nlohmann::json::array();
    for (const ClassShare& c : result.segmentation.present)
      present.push_back({{"index", c.index}, {"name", c.name}, {"pixels", c.pixels}, {"share", c.share}});
    summary["segmentation"] = {{"present", present}};
  }
  return summary;
}

nlohmann::json disentanglementJson(const CkaJobResult& job, const ExportProvenance& p) {
  nlohmann::json files = nlohmann::json::array();
  for (int i = 0; i < job.request.files.size(); ++i)
    files.push_back({{"file", job.request.files[i].toStdString()}, {"label", job.request.labels.value(i, -1)}});
  nlohmann::json names = nlohmann::json::array();
  for (const QString& n : job.request.label_names) names.push_back(n.toStdString());
  nlohmann::json j = provenanceJson(p);
  j.update(toJson(job.result));
  j["figure"] = "cka";
  j["failed_images"] = job.failed;
  j["left_out_over_memory_budget"] = job.refused;
  j["image_set"] = files;
  j["label_names"] = names;
  return j;
}

}  // namespace revcol::studio
