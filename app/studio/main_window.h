#pragma once
// The RevCol Studio main window: input view (with the player for folders, videos and webcams) and
// column explorer in the centre; model, predictions, overlay, reconstruction-error, timeline and
// cell-detail panels in docks; inference on an InferenceWorker thread.
//
// The implementation is split by concern: main_window.cpp (assembly, menus, opening files),
// main_window_sequence.cpp (frames, playback, result cache, timeline), main_window_results.cpp
// (showing a result: predictions, overlays, plots, cell detail).
#include <QElapsedTimer>
#include <QFuture>
#include <QMainWindow>
#include <QMap>
#include <QString>
#include <QThread>
#include <memory>

#include "export_dialog.h"
#include "inference_worker.h"
#include "revcol/ground_truth.h"
#include "input_sequence.h"
#include "result_cache.h"
#include "view_export.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QTextBrowser;
class QComboBox;
class QMenu;
class QCheckBox;
class QDockWidget;
class QTimer;
class QSplitter;
class QStackedWidget;

namespace revcol::widgets {
class ColorBar;
class ProbabilityBars;
class ImageView;
class ErrorPlot;
class HistogramView;
class PlayerBar;
class TimelinePlot;
class OverlayControls;
class FeatureGrid;
}  // namespace revcol::widgets

namespace revcol::studio {

class ColumnExplorer;
class GuideDialog;
class StartPage;
class PresentationWindow;
class DisentanglementPanel;
class AblationPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  void openCheckpoint(const QString& path);
  // Opens an image, a folder of images, a video file or "webcam:N" and, when a model is loaded,
  // analyses its first frame. Returns false (reason shown in the window) when it cannot be opened.
  bool openInput(const QString& path);
  bool openImage(const QString& path) { return openInput(path); }
  // Shows frame `position` of the open sequence (from the cache, or analysed on the worker).
  void showPosition(int position);
  void setPlaying(bool playing);
  // CKA heat maps over a set of images (the Disentanglement panel asks for this too).
  void computeCka(const CkaRequest& request);
  // The shown frame's predictions with an intervention on the backbone (the Ablation panel).
  void runAblation(const Ablation& ablation);

  // Writes the current frame's view or data to `path` (a folder for FeatureArrays). Returns false
  // with the reason shown in the window when there is nothing to export or writing fails.
  bool exportTo(ExportKind kind, const QString& path, const FigureStyle& style = {});
  // Writes every kind of `choice` into its folder (names from its stem). Stops at the first failure
  // (reason shown in the window); returns the number of files or folders written.
  int exportChoice(const ExportChoice& choice);
  // What File > Export... offers for the shown frame, with the reason for what it cannot write now.
  QMap<ExportKind, QString> unavailableExports() const;

  // True once everything asked for has been computed or has failed (for --screenshot).
  // (Playback counts as work: a playing video is not idle between frames.)
  bool idle() const;
  bool hadError() const { return had_error_; }
  QString errorMessage() const;

  // Scripted views (command line, screenshots).
  void showDock(const QString& title);  // shows and raises a dock by its title
  void setDisplayMode(int mode);
  void setChainMode(bool chain);
  void selectCellWhenReady(int column, int level);
  // The docks and window size as first built, fitted to the screen (View > Reset Layout).
  void resetLayout();
  // Help > Guide at `page` ("glossary.html#cka"); the dialog stays open beside the window.
  void showGuide(const QString& page = "index.html");
  GuideDialog* guide() const { return guide_; }
  // Opens bundled demo `index` of startPage()->demos() (checkpoint, sample input, CKA when it has one).
  void openDemo(int index);
  StartPage* startPage() const { return start_page_; }
  // View > Presentation (F11): the presentation window, full screen unless `full_screen` is false.
  PresentationWindow* showPresentation(bool full_screen = true);
  PresentationWindow* presentation() const { return presentation_; }
  bool startPageShown() const;
  // Shows the ground truth found beside the input instead of the prediction (when there is one).
  void setGroundTruthShown(bool shown);
  bool groundTruthAvailable() const;

  // For tests and scripted screenshots: the views as they are now.
  ColumnExplorer* explorer() const { return explorer_; }
  widgets::ErrorPlot* errorPlot() const { return error_plot_; }
  widgets::PlayerBar* player() const { return player_; }
  widgets::TimelinePlot* timeline() const { return timeline_; }
  widgets::OverlayControls* overlayControls() const { return overlay_controls_; }
  widgets::ImageView* inputView() const { return input_view_; }
  DisentanglementPanel* disentanglementPanel() const { return cka_panel_; }
  AblationPanel* ablationPanel() const { return ablation_panel_; }
  widgets::FeatureGrid* decoderStrip() const { return decoders_; }
  widgets::ProbabilityBars* topBars() const { return top_bars_; }
  widgets::ProbabilityBars* headBars() const { return head_bars_; }
  widgets::ColorBar* cellColorBar() const { return cell_scale_; }
  widgets::ColorBar* errorOverlayColorBar() const { return error_scale_; }
  widgets::ErrorPlot* alphaPlot() const { return alpha_plot_; }
  int selectedColumn() const { return cell_column_; }
  int selectedLevel() const { return cell_level_; }
  const InputSequence& sequence() const { return sequence_; }
  int position() const { return position_; }
  const ResultCache& cache() const { return cache_; }
  int analysesRequested() const { return analyses_requested_; }
  QString modelPanelText() const;
  QString predictionsText() const;
  std::shared_ptr<const AnalysisJobResult> lastResult() const { return result_; }

 signals:
  void becameIdle();
  void frameShown(int position);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void closeEvent(QCloseEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  // main_window.cpp
  void buildMenus();
  void buildDocks();
  QDockWidget* addDock(const QString& title, QWidget* content, Qt::DockWidgetArea area);
  void showModel(const LoadedModel& model, double ms);
  LoadOptions loadOptions() const;  // from the settings (threads, fast path)
  void showError(const QString& message);
  void addRecent(const QString& path);
  void rebuildRecentMenu();
  void startJob();
  void finishJob();
  // Sizes the window to the screen it is on (never larger than its available area).
  void fitToScreen();
  // Shows the docks that apply to what is loaded and open, hides the rest.
  void showDocksForTask();
  void placeTimeline();  // gives a newly shown timeline its share of the bottom
  void sizeDocks();      // side docks a fifth of the width, bottom docks a third of the height
  void showWorkspace();  // leaves the start page: input, explorer and docks

  // main_window_sequence.cpp
  void requestAnalysis(const FrameRequest& frame);
  void onVideoOpened(const QString& path, qint64 frames, double fps);
  void onAnalysisReady(std::shared_ptr<const AnalysisJobResult> result);
  // The float64 reconstructions of the result shown, when it lacks them and nothing plays.
  void requestFloat64IfShownLacksIt();
  void onFloat64Ready(std::shared_ptr<const AnalysisJobResult> result);
  void advancePlayback();
  void scheduleAdvance();
  void recordSummary(int position, const AnalysisJobResult& result);
  void updateTimeline();

  // main_window_export.cpp
  void buildExportMenu(QMenu* file);
  ExportProvenance provenance() const;
  // How analysis inputs are made now: for the shown frame's task (for_task), or for CKA, which
  // always uses the classification transform so that every image has one size.
  std::string preprocessDescription(bool for_task) const;

  // main_window_results.cpp
  void showResult(std::shared_ptr<const AnalysisJobResult> result);
  void showPredictions();
  void updateInputImage();
  void updateOverlayLegend();
  void showCell(int column, int level);
  void updateErrorPlot();
  void updateAlphaPlot();
  void updateErrorOverlay();
  void updateDecoders();
  void updateGroundTruth();  // looks for ground truth beside the shown frame's file

  QThread worker_thread_;
  InferenceWorker* worker_ = nullptr;
  quint64 next_id_ = 0;
  quint64 next_cka_id_ = 0;
  int pending_ = 0;
  int analyses_requested_ = 0;
  bool had_error_ = false;
  bool model_ready_ = false;
  LoadedModel model_;
  QFuture<QString> checkpoint_sha256_;  // hashed in the background after each load (sidecars)
  AnalysisSettings settings_;

  InputSequence sequence_;
  int position_ = 0;
  int live_frames_ = 0;  // webcam frames shown since it was opened
  ResultCache cache_;
  struct FrameSummary {
    std::array<double, 4> step_error{};  // mean over recovered columns, float32 step, per level
    double top1 = -1;                    // last head's top-1 probability (-1: no head)
  };
  QMap<int, FrameSummary> summaries_;
  QElapsedTimer since_frame_shown_;
  QTimer* advance_timer_ = nullptr;  // playback: when to show the next frame
  std::shared_ptr<const AnalysisJobResult> result_;
  quint64 float64_id_ = ~quint64(0);  // the last addFloat64 request (none yet)

  widgets::ImageView* input_view_ = nullptr;
  widgets::PlayerBar* player_ = nullptr;
  ColumnExplorer* explorer_ = nullptr;
  QSplitter* central_split_ = nullptr;  // input | explorer
  QLabel* message_ = nullptr;
  QTextBrowser* model_panel_ = nullptr;
  widgets::ProbabilityBars* top_bars_ = nullptr;   // last head's top-5, detections or classes present
  widgets::ProbabilityBars* head_bars_ = nullptr;  // every head's top-1, column by column
  widgets::ColorBar* error_scale_ = nullptr;       // under the input while the error overlay shows
  widgets::ColorBar* cell_scale_ = nullptr;        // under the cell detail
  QCheckBox* ground_truth_ = nullptr;
  QString ground_truth_for_;  // the file ground_truth_ was looked up for
  std::optional<GroundTruth> ground_truth_data_;
  widgets::OverlayControls* overlay_controls_ = nullptr;
  widgets::ErrorPlot* error_plot_ = nullptr;
  QComboBox* error_mode_ = nullptr;
  widgets::ErrorPlot* alpha_plot_ = nullptr;
  QCheckBox* error_overlay_ = nullptr;
  widgets::TimelinePlot* timeline_ = nullptr;
  QDockWidget* timeline_dock_ = nullptr;
  widgets::HistogramView* histogram_ = nullptr;
  DisentanglementPanel* cka_panel_ = nullptr;
  AblationPanel* ablation_panel_ = nullptr;
  widgets::FeatureGrid* decoders_ = nullptr;
  widgets::ImageView* cell_view_ = nullptr;
  QLabel* cell_readout_ = nullptr;
  int cell_column_ = -1, cell_level_ = -1;
  int pending_cell_column_ = -1, pending_cell_level_ = -1;
  QLabel* status_device_ = nullptr;
  QLabel* status_time_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QMenu* view_menu_ = nullptr;
  QByteArray default_layout_;        // saveState() right after the docks were built
  QStackedWidget* stack_ = nullptr;  // the start page, or the workspace once anything is open
  QByteArray workspace_state_;       // the docks' layout while the start page hides them
  bool size_docks_on_workspace_ = false;
  StartPage* start_page_ = nullptr;
  GuideDialog* guide_ = nullptr;
  PresentationWindow* presentation_ = nullptr;
  QString pending_cka_folder_;  // a demo's CKA, computed once its model and input are done
  bool fitted_ = false;         // sized to the screen once shown
};

}  // namespace revcol::studio
