#include "inference_worker.h"

#include <QElapsedTimer>
#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "revcol/class_labels.h"
#include "revcol/error.h"
#include "revcol/image_io.h"
#include "revcol/model_card.h"

namespace revcol::studio {
namespace {

// std::bad_alloc says only "std::bad_alloc": say what ran out and what to try.
QString messageOf(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e))
    return "Out of memory: the model or its features do not fit. Try a smaller input, a smaller model, or close "
           "other programs.";
  return QString::fromStdString(e.what());
}

double msSince(const QElapsedTimer& t) { return double(t.nsecsElapsed()) / 1e6; }

int roundTo32(double v) { return std::max(32, int(std::lround(v / 32.0)) * 32); }

}  // namespace

bool hasFloat64(const AnalysisJobResult& result) {
  const auto& r = result.analysis.reconstructions;
  return std::any_of(r.begin(), r.end(), [](const Reconstruction& x) { return x.precision == Precision::Float64; });
}

QString FrameRequest::key() const {
  switch (kind) {
    case SourceKind::Webcam:
      return {};
    case SourceKind::Video:
      return path + "#" + QString::number(index);
    default:
      return path;
  }
}

FloatArray analysisInput(const cv::Mat& rgb, Task task, const AnalysisSettings& settings) {
  const ImagenetPreprocess imagenet =
      settings.warp_size > 0 ? cardPreprocess(settings.warp_size) : officialImagenetEval(settings.classification_size);
  if (task == Task::Classification || task == Task::Backbone) return preprocessImagenet(rgb, imagenet);
  // Dense tasks look at the whole frame: keep its aspect ratio instead of cropping the centre.
  const double scale = double(settings.dense_long_side) / std::max(rgb.cols, rgb.rows);
  cv::Mat resized;
  cv::resize(rgb, resized, cv::Size(roundTo32(rgb.cols * scale), roundTo32(rgb.rows * scale)), 0, 0, cv::INTER_AREA);
  return toNormalizedChw(resized, imagenet.mean, imagenet.std);
}

InferenceWorker::InferenceWorker() {
  qRegisterMetaType<revcol::studio::LoadedModel>();
  qRegisterMetaType<revcol::studio::FrameRequest>();
  qRegisterMetaType<revcol::studio::AnalysisSettings>();
  qRegisterMetaType<std::shared_ptr<const revcol::studio::AnalysisJobResult>>();
  qRegisterMetaType<revcol::studio::CkaRequest>();
  qRegisterMetaType<std::shared_ptr<const revcol::studio::CkaJobResult>>();
  qRegisterMetaType<revcol::Ablation>();
  qRegisterMetaType<std::shared_ptr<const revcol::studio::AblationJobResult>>();
}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::loadModel(const QString& path, const LoadOptions& options) {
  QElapsedTimer timer;
  timer.start();
  try {
    // Drop the old model first: two large models need not fit in memory together.
    model_.reset();
    detector_.reset();
    segmenter_.reset();
    // The task first, from the checkpoint's names and shapes alone: a detector or segmenter is
    // read once, and the column analysis runs on its own backbone (one copy of the weights and
    // one fast path, not two).
    const std::string file = path.toStdString();
    LoadedModel loaded;
    loaded.options = options;
    loaded.card_image_size = modelCardImageSize(file);
    task_ = checkpointTask(file);
    if (task_ == Task::Detection) {
      detector_.emplace(Detector::load(file, options));
      model_.emplace(detector_->backboneModel());
      loaded.class_names = detector_->classNames();
      loaded.palette = detector_->palette();
    } else if (task_ == Task::Segmentation) {
      segmenter_.emplace(Segmenter::load(file, options));
      model_.emplace(segmenter_->backboneModel());
      loaded.class_names = segmenter_->classNames();
      loaded.palette = segmenter_->palette();
    } else {
      model_.emplace(RevColModel::load(file, options));
      const int64_t classes = model_->info().architecture.num_classes;
      if (classes > 0) loaded.class_names = classNamesFor(classes);
    }
    loaded.info = model_->info();
    loaded.task = task_;
    emit modelLoaded(loaded, msSince(timer));
  } catch (const std::exception& e) {
    model_.reset();
    detector_.reset();
    segmenter_.reset();
    emit failed(messageOf(e));
  }
}

void InferenceWorker::openVideo(const QString& path) {
  try {
    video_.emplace(path.toStdString());
    emit videoOpened(path, qint64(video_->frameCount()), video_->fps());
  } catch (const std::exception& e) {
    video_.reset();
    emit failed(messageOf(e));
  }
}

std::function<bool(int, int)> InferenceWorker::analysisProgress(quint64 id) {
  return [this, id](int done, int total) {
    emit progress(id, done, total);
    return id >= latest_.load();
  };
}

void InferenceWorker::endInError(quint64 id, const std::atomic<quint64>& latest, const std::exception& e) {
  if (id >= latest.load())
    emit failed(messageOf(e));
  else
    emit dropped(id);
}

cv::Mat InferenceWorker::decode(const FrameRequest& frame) {
  const std::string path = frame.path.toStdString();
  switch (frame.kind) {
    case SourceKind::Video:
      if (!video_ || video_->path() != path) video_.emplace(path);
      return video_->read(frame.index);
    case SourceKind::Webcam: {
      if (!webcam_ || webcam_path_ != frame.path) {
        webcam_.reset();
        webcam_ = openFrameSource(path);
        webcam_path_ = frame.path;
      }
      Frame f;
      if (!webcam_->next(f)) throw Error("the camera " + path + " stopped delivering frames");
      if (f.status != Frame::Status::Decoded) throw Error(f.error);
      return f.rgb;
    }
    default:
      return loadImageRgb(path);
  }
}

void InferenceWorker::analyze(quint64 id, const FrameRequest& frame, const AnalysisSettings& settings) {
  if (id < latest_.load()) {  // a newer request is already queued
    emit dropped(id);
    return;
  }
  if (!model_) {
    emit failed("Open a RevCol checkpoint to analyse the image (File > Open Checkpoint).");
    return;
  }
  QElapsedTimer timer;
  timer.start();
  try {
    auto result = std::make_shared<AnalysisJobResult>();
    result->id = id;
    result->frame = frame;
    result->frame_rgb = decode(frame);
    result->input = analysisInput(result->frame_rgb, task_, settings);
    AnalysisOptions options;
    options.precisions = {Precision::Float32};
    options.modes = {ReconstructionMode::Step, ReconstructionMode::Chain};
    options.progress = analysisProgress(id);
    result->analysis = model_->analyze(result->input, options);
    if (id < latest_.load()) {
      emit dropped(id);
      return;
    }
    QElapsedTimer task_timer;
    task_timer.start();
    if (detector_) {
      result->detections = detector_->detect(result->frame_rgb).objects;
    } else if (segmenter_) {
      SegmentResult s = segmenter_->segment(result->frame_rgb);
      result->segmentation.labels = s.labels;
      result->segmentation.present = std::move(s.present);
    }
    result->task_milliseconds = msSince(task_timer);
    result->milliseconds = msSince(timer);
    emit analysisReady(result);
  } catch (const std::exception& e) {
    endInError(id, latest_, e);
  }
}

void InferenceWorker::addFloat64(quint64 id, std::shared_ptr<const AnalysisJobResult> base) {
  if (id < latest_.load() || !model_ || !base) {
    emit dropped(id);
    return;
  }
  QElapsedTimer timer;
  timer.start();
  try {
    AnalysisOptions options;
    options.features = options.added_maps = options.decoders = false;
    options.precisions = {Precision::Float64};
    options.modes = {ReconstructionMode::Step, ReconstructionMode::Chain};
    options.progress = analysisProgress(id);
    AnalysisResult float64 = model_->analyze(base->input, options);
    auto result = std::make_shared<AnalysisJobResult>(*base);
    result->id = id;
    for (Reconstruction& r : float64.reconstructions) result->analysis.reconstructions.push_back(std::move(r));
    result->float64_milliseconds = msSince(timer);
    emit float64Ready(result);
  } catch (const std::exception& e) {
    endInError(id, latest_, e);
  }
}

void InferenceWorker::computeCka(quint64 id, const CkaRequest& request, const AnalysisSettings& settings) {
  if (id < cka_latest_.load()) {
    emit dropped(id);
    return;
  }
  if (!model_) {
    emit failed("Open a RevCol checkpoint to compute CKA (File > Open Checkpoint).");
    return;
  }
  QElapsedTimer timer;
  timer.start();
  try {
    auto job = std::make_shared<CkaJobResult>();
    job->id = id;
    job->request = request;
    CkaCollector collector(request.budget_bytes);
    AnalysisOptions options;
    options.added_maps = false;
    options.decoders = false;
    options.precisions.clear();
    options.modes.clear();
    const int total = int(request.files.size());
    for (int i = 0; i < total; ++i) {
      if (id < cka_latest_.load()) {
        emit dropped(id);
        return;
      }
      emit ckaProgress(id, i, total);
      FloatArray input;
      try {
        input = analysisInput(loadImageRgb(request.files[i].toStdString()), Task::Classification, settings);
      } catch (const Error&) {
        ++job->failed;  // reported in the panel; one broken file does not spoil the set
        continue;
      }
      const AnalysisResult features = model_->analyze(input, options);
      if (!collector.add(input, features, request.labels.value(i, -1))) {
        job->refused = total - i;
        break;
      }
    }
    job->result = collector.compute();
    job->milliseconds = msSince(timer);
    emit ckaReady(job);
  } catch (const std::exception& e) {
    endInError(id, cka_latest_, e);
  }
}

void InferenceWorker::ablate(quint64 id, const FrameRequest& frame, const cv::Mat& rgb,
                             const AnalysisSettings& settings, const Ablation& ablation) {
  if (id < cka_latest_.load()) {
    emit dropped(id);
    return;
  }
  if (!model_) {
    emit failed("Open a RevCol checkpoint first (File > Open Checkpoint).");
    return;
  }
  QElapsedTimer timer;
  timer.start();
  try {
    auto job = std::make_shared<AblationJobResult>();
    job->id = id;
    job->frame = frame;
    job->ablation = ablation;
    job->heads = model_->classify(analysisInput(rgb, task_, settings), 5, ablation);
    if (detector_) {
      DetectOptions o;
      o.ablation = ablation;
      job->detections = detector_->detect(rgb, o).objects;
    } else if (segmenter_) {
      SegmentOptions o;
      o.ablation = ablation;
      SegmentResult s = segmenter_->segment(rgb, o);
      job->segmentation.labels = s.labels;
      job->segmentation.present = std::move(s.present);
    }
    job->milliseconds = msSince(timer);
    if (id < cka_latest_.load())
      emit dropped(id);
    else
      emit ablationReady(job);
  } catch (const std::exception& e) {
    endInError(id, cka_latest_, e);
  }
}

}  // namespace revcol::studio
