#pragma once
// Owns the loaded RevColModel on its own thread; the GUI submits jobs and gets results back by
// queued signals, never waiting on torch. A newer analysis request makes a queued or running older
// one stale: it is cancelled at its next progress point and its result is dropped.
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <optional>

#include "revcol/analysis.h"
#include "revcol/model.h"
#include "revcol/preprocess.h"

namespace revcol::studio {

struct AnalysisJobResult {
  quint64 id = 0;
  QString image_path;
  FloatArray input;  // the normalised network input (3 x H x W)
  AnalysisResult analysis;
  double milliseconds = 0;
};

class InferenceWorker : public QObject {
  Q_OBJECT
 public:
  InferenceWorker();
  ~InferenceWorker() override;

  // Thread-safe: marks every request older than id as stale.
  void supersede(quint64 id) { latest_.store(id); }

 public slots:
  void loadModel(const QString& path, const QString& device);
  void analyze(quint64 id, const QString& image_path, int input_size);

 signals:
  void modelLoaded(const revcol::ModelInfo& info, double milliseconds);
  void analysisReady(std::shared_ptr<const revcol::studio::AnalysisJobResult> result);
  void failed(const QString& message);
  void progress(quint64 id, int done, int total);

 private:
  std::optional<RevColModel> model_;
  std::atomic<quint64> latest_{0};
};

}  // namespace revcol::studio

Q_DECLARE_METATYPE(revcol::ModelInfo)
Q_DECLARE_METATYPE(std::shared_ptr<const revcol::studio::AnalysisJobResult>)
