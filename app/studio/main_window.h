#pragma once
// The RevCol Studio main window: input view and column explorer in the centre; model, predictions,
// reconstruction-error and cell-detail panels in docks; inference on an InferenceWorker thread.
#include <QMainWindow>
#include <QString>
#include <QThread>
#include <memory>

#include "inference_worker.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QTextBrowser;
class QComboBox;
class QMenu;
class QCheckBox;

namespace revcol::widgets {
class ImageView;
class ErrorPlot;
class HistogramView;
}  // namespace revcol::widgets

namespace revcol::studio {

class ColumnExplorer;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  void openCheckpoint(const QString& path);
  // Shows the image and, when a model is loaded, analyses it. Returns false (reason shown in the
  // window) when the file cannot be read.
  bool openImage(const QString& path);
  // True once everything asked for has been computed or has failed (for --screenshot).
  bool idle() const { return pending_ == 0; }
  bool hadError() const { return had_error_; }
  QString errorMessage() const;

  // Scripted views (command line, screenshots).
  void setDisplayMode(int mode);
  void setChainMode(bool chain);
  void selectCellWhenReady(int column, int level);

  // For tests and scripted screenshots: the views as they are now.
  ColumnExplorer* explorer() const { return explorer_; }
  widgets::ErrorPlot* errorPlot() const { return error_plot_; }
  QString modelPanelText() const;
  QString predictionsText() const;
  std::shared_ptr<const AnalysisJobResult> lastResult() const { return result_; }

 signals:
  void becameIdle();

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildMenus();
  void buildDocks();
  void requestAnalysis();
  void showResult(std::shared_ptr<const AnalysisJobResult> result);
  void showModel(const ModelInfo& info, double ms);
  void showError(const QString& message);
  void showCell(int column, int level);
  void updateErrorPlot();
  void updateAlphaPlot();
  void updateErrorOverlay();
  void addRecent(const QString& path);
  void rebuildRecentMenu();
  void finishJob();

  QThread worker_thread_;
  InferenceWorker* worker_ = nullptr;
  quint64 next_id_ = 0;
  int pending_ = 0;
  bool had_error_ = false;
  bool model_ready_ = false;
  QString image_path_;
  std::shared_ptr<const AnalysisJobResult> result_;
  ModelInfo model_info_;
  std::vector<std::string> class_names_;  // read once per model, not per result

  widgets::ImageView* input_view_ = nullptr;
  ColumnExplorer* explorer_ = nullptr;
  QLabel* message_ = nullptr;
  QTextBrowser* model_panel_ = nullptr;
  QTextBrowser* predictions_ = nullptr;
  widgets::ErrorPlot* error_plot_ = nullptr;
  QComboBox* error_mode_ = nullptr;
  widgets::ErrorPlot* alpha_plot_ = nullptr;
  QCheckBox* error_overlay_ = nullptr;
  widgets::HistogramView* histogram_ = nullptr;
  widgets::ImageView* cell_view_ = nullptr;
  QLabel* cell_readout_ = nullptr;
  int cell_column_ = -1, cell_level_ = -1;
  int pending_cell_column_ = -1, pending_cell_level_ = -1;
  QLabel* status_device_ = nullptr;
  QLabel* status_time_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QMenu* recent_menu_ = nullptr;
};

}  // namespace revcol::studio
