#pragma once
// Owns the loaded model on its own thread; the GUI submits jobs and gets results back by queued
// signals, never waiting on torch. A newer analysis request makes a queued or running older one
// stale: it is cancelled at its next progress point and its result is dropped.
//
// Every checkpoint gets the column analysis (features of every column, reconstruction errors,
// alphas, heads). A detection checkpoint also runs its Cascade Mask R-CNN on the frame, a
// segmentation checkpoint its UPerNet, both at the checkpoint's own test scale.
#include <QObject>
#include <QString>
#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "revcol/ablation.h"
#include "revcol/analysis.h"
#include "revcol/detector.h"
#include "revcol/disentanglement.h"
#include "revcol/frame_source.h"
#include "revcol/model.h"
#include "revcol/preprocess.h"
#include "revcol/segmenter.h"
#include "revcol/video_reader.h"

namespace revcol::studio {

// What one analysis job looks at: an image file, frame `index` of a video file, or the next frame
// of a webcam ("webcam:N").
struct FrameRequest {
  SourceKind kind = SourceKind::Image;
  QString path;
  int64_t index = -1;  // video frame; -1 for images and webcams
  // Identifies the frame's result in a cache (webcam frames are never the same twice: "").
  QString key() const;
};

// What a loaded checkpoint can do, sent once per load.
struct LoadedModel {
  ModelInfo info;
  LoadOptions options;  // as loaded (threads, fast path)
  // The image size the model was trained at, from the "image_size" of a CKPT.json card beside the
  // checkpoint (revcol-train writes one; models/demo): images are then warped to it instead of
  // the ImageNet eval transform. 0: no card (official checkpoints).
  int card_image_size = 0;
  Task task = Task::Classification;
  std::vector<std::string> class_names;         // of the task's head (empty: none)
  std::vector<std::array<uint8_t, 3>> palette;  // RGB per class (detection and segmentation)
};

struct SegmentationOutput {
  cv::Mat labels;                   // original frame size, CV_8U or CV_16U class indices
  std::vector<ClassShare> present;  // most pixels first
};

struct AnalysisJobResult {
  quint64 id = 0;
  FrameRequest frame;
  cv::Mat frame_rgb;  // the decoded frame at its own size (8-bit RGB)
  FloatArray input;   // the network input of the column analysis (3 x H x W, ImageNet-normalised)
  AnalysisResult analysis;
  std::vector<DetectedObject> detections;  // detection checkpoints: score-descending
  SegmentationOutput segmentation;         // segmentation checkpoints
  double milliseconds = 0;                 // the whole job
  double task_milliseconds = 0;            // detection / segmentation alone
  double float64_milliseconds = 0;         // the float64 reconstructions, added by a job of their own
};

// Whether `result` holds the float64 reconstructions yet (InferenceWorker::addFloat64).
bool hasFloat64(const AnalysisJobResult& result);

// A set of images for the CKA heat maps: files, and per file a label index (-1: none).
struct CkaRequest {
  QStringList files;
  QList<qint64> labels;
  QStringList label_names;  // label index -> class (sub-folder) name
  QString folder;
  size_t budget_bytes = size_t(1) << 30;
};

struct CkaJobResult {
  quint64 id = 0;
  CkaRequest request;
  DisentanglementResult result;
  int failed = 0;   // images that could not be decoded (skipped)
  int refused = 0;  // images left out because the features would exceed the memory budget
  double milliseconds = 0;
};

// The predictions of one frame with an ablation applied to the backbone (for comparison with the
// frame's unmodified AnalysisJobResult).
struct AblationJobResult {
  quint64 id = 0;
  FrameRequest frame;
  Ablation ablation;
  std::vector<HeadOutput> heads;           // classification heads of the columns that ran
  std::vector<DetectedObject> detections;  // detection checkpoints
  SegmentationOutput segmentation;         // segmentation checkpoints
  double milliseconds = 0;
};

// How frames are prepared for the column analysis.
struct AnalysisSettings {
  int classification_size = 224;  // official eval transform: shorter side 256 (x 224/224), centre crop
  int warp_size = 0;              // > 0: classification inputs warped to warp_size^2 instead (model card)
  // Detection / segmentation checkpoints: the whole frame, keep-ratio, longer side to this many
  // pixels, each side rounded to a multiple of 32 (the detector itself runs at its own test scale).
  int dense_long_side = 448;
};

// The column-analysis input of a frame, as the studio builds it for each task.
FloatArray analysisInput(const cv::Mat& rgb, Task task, const AnalysisSettings& settings);

class InferenceWorker : public QObject {
  Q_OBJECT
 public:
  InferenceWorker();
  ~InferenceWorker() override;

  // Thread-safe: marks every request older than id as stale.
  void supersede(quint64 id) { latest_.store(id); }
  // The same for CKA jobs, which have their own ids: stepping through frames does not cancel them.
  void supersedeCka(quint64 id) { cka_latest_.store(id); }

 public slots:
  // `options`: device, CPU threads (0 = physical cores), fast path (LoadOptions).
  void loadModel(const QString& path, const revcol::LoadOptions& options);
  // Counts the frames of a video (decoding, so off the GUI thread) and keeps it open for analyze().
  void openVideo(const QString& path);
  // The analysis with float32 reconstructions (step and chain). The float64 ones, ~5x slower
  // (plain modules in float64: 0.64-0.71 s for RevCol-T at 224 x 224 against 0.14 s), come from
  // addFloat64, which the window asks for when it is not playing, so playback runs at the float32
  // pace.
  void analyze(quint64 id, const revcol::studio::FrameRequest& frame, const revcol::studio::AnalysisSettings& settings);
  // `base` with its float64 step and chain reconstructions added. Ends in float64Ready, failed or
  // dropped (superseded by any newer request, also while it runs).
  void addFloat64(quint64 id, std::shared_ptr<const revcol::studio::AnalysisJobResult> base);
  // Features of every image (ImageNet eval transform, so all have one size), then CKA. Ends in
  // ckaReady, failed or dropped like analyze().
  void computeCka(quint64 id, const revcol::studio::CkaRequest& request,
                  const revcol::studio::AnalysisSettings& settings);
  // The predictions for a frame already decoded (`rgb`, the shown frame's pixels) with `ablation`
  // applied. Shares the CKA jobs' ids (side jobs that stepping through frames does not cancel);
  // ends in ablationReady, failed or dropped.
  void ablate(quint64 id, const revcol::studio::FrameRequest& frame, const cv::Mat& rgb,
              const revcol::studio::AnalysisSettings& settings, const revcol::Ablation& ablation);

 signals:
  void modelLoaded(const revcol::studio::LoadedModel& model, double milliseconds);
  void videoOpened(const QString& path, qint64 frames, double fps);
  void analysisReady(std::shared_ptr<const revcol::studio::AnalysisJobResult> result);
  void float64Ready(std::shared_ptr<const revcol::studio::AnalysisJobResult> result);
  void ckaReady(std::shared_ptr<const revcol::studio::CkaJobResult> result);
  void ablationReady(std::shared_ptr<const revcol::studio::AblationJobResult> result);
  // A stale analysis request was skipped or cancelled. Every analyze() call ends in exactly one of
  // analysisReady, failed or dropped; every loadModel / openVideo in its *Loaded / *Opened or failed.
  void dropped(quint64 id);
  void failed(const QString& message);
  void progress(quint64 id, int done, int total);
  void ckaProgress(quint64 id, int done, int total);

 private:
  cv::Mat decode(const FrameRequest& frame);
  // AnalysisOptions::progress of analysis job `id`: reports it, and cancels once a newer request came.
  std::function<bool(int, int)> analysisProgress(quint64 id);
  // How a job that threw ends: its message, or dropped when a newer request (per `latest`) superseded it.
  void endInError(quint64 id, const std::atomic<quint64>& latest, const std::exception& e);

  std::optional<RevColModel> model_;
  std::optional<Detector> detector_;
  std::optional<Segmenter> segmenter_;
  Task task_ = Task::Classification;
  std::optional<VideoReader> video_;
  std::unique_ptr<FrameSource> webcam_;
  QString webcam_path_;
  std::atomic<quint64> latest_{0};
  std::atomic<quint64> cka_latest_{0};
};

}  // namespace revcol::studio

Q_DECLARE_METATYPE(revcol::studio::LoadedModel)
Q_DECLARE_METATYPE(revcol::studio::FrameRequest)
Q_DECLARE_METATYPE(revcol::studio::AnalysisSettings)
Q_DECLARE_METATYPE(std::shared_ptr<const revcol::studio::AnalysisJobResult>)
Q_DECLARE_METATYPE(revcol::studio::CkaRequest)
Q_DECLARE_METATYPE(std::shared_ptr<const revcol::studio::CkaJobResult>)
Q_DECLARE_METATYPE(revcol::Ablation)
Q_DECLARE_METATYPE(std::shared_ptr<const revcol::studio::AblationJobResult>)
