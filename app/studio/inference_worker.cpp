#include "inference_worker.h"

#include <QElapsedTimer>

#include "revcol/error.h"
#include "revcol/image_io.h"

namespace revcol::studio {

InferenceWorker::InferenceWorker() {
  qRegisterMetaType<revcol::ModelInfo>();
  qRegisterMetaType<std::shared_ptr<const revcol::studio::AnalysisJobResult>>();
}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::loadModel(const QString& path, const QString& device) {
  QElapsedTimer timer;
  timer.start();
  try {
    LoadOptions options;
    options.device = device.toStdString();
    model_.emplace(RevColModel::load(path.toStdString(), options));
    emit modelLoaded(model_->info(), double(timer.nsecsElapsed()) / 1e6);
  } catch (const std::exception& e) {
    emit failed(QString::fromStdString(e.what()));
  }
}

void InferenceWorker::analyze(quint64 id, const QString& image_path, int input_size) {
  if (id < latest_.load()) return;  // a newer request is already queued
  if (!model_) {
    emit failed("Open a RevCol checkpoint to analyse the image (File > Open Checkpoint).");
    return;
  }
  QElapsedTimer timer;
  timer.start();
  try {
    auto result = std::make_shared<AnalysisJobResult>();
    result->id = id;
    result->image_path = image_path;
    result->input = preprocessImagenet(loadImageRgb(image_path.toStdString()), officialImagenetEval(input_size));
    AnalysisOptions options;
    options.precisions = {Precision::Float32, Precision::Float64};
    options.modes = {ReconstructionMode::Step, ReconstructionMode::Chain};
    options.progress = [this, id](int done, int total) {
      emit progress(id, done, total);
      return id >= latest_.load();
    };
    result->analysis = model_->analyze(result->input, options);
    result->milliseconds = double(timer.nsecsElapsed()) / 1e6;
    emit analysisReady(result);
  } catch (const std::exception& e) {
    if (id >= latest_.load()) emit failed(QString::fromStdString(e.what()));
  }
}

}  // namespace revcol::studio
