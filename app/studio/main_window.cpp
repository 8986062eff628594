#include "main_window.h"
#include "studio_style.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "column_explorer.h"
#include "guide_dialog.h"
#include "presentation_window.h"
#include "start_page.h"
#include "ablation_panel.h"
#include "disentanglement_panel.h"
#include "revcol/error.h"
#include "revcol/image_io.h"
#include "revcol/sha256.h"
#include "revcol/version.h"
#include "revcol_widgets/color_bar.h"
#include "revcol_widgets/error_plot.h"
#include "revcol_widgets/feature_grid.h"
#include "revcol_widgets/histogram_view.h"
#include "revcol_widgets/image_view.h"
#include "revcol_widgets/overlay_controls.h"
#include "revcol_widgets/player_bar.h"
#include "revcol_widgets/probability_bars.h"
#include "revcol_widgets/timeline_plot.h"

namespace revcol::studio {
namespace {

bool isCheckpoint(const QString& path) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  return suffix == "pth" || suffix == "pt" || suffix == "ckpt" || suffix == "bin";
}

// Bumped when the docks change, so a layout saved by an older build is not restored over them.
constexpr int kLayoutVersion = 2;

size_t cacheBudgetBytes() {
  // Feature maps of every column are kept per frame; 1 GB holds ~80 RevCol-T frames at 224.
  return size_t(QSettings().value("cache/megabytes", 1024).toULongLong()) << 20;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), cache_(cacheBudgetBytes()) {
  setWindowTitle("RevCol Studio");
  setAcceptDrops(true);

  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(2, 2, 2, 2);
  message_ = new QLabel(central);
  message_->setWordWrap(true);
  message_->setStyleSheet("QLabel { color: #b00020; font-weight: bold; }");
  message_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // long messages wrap, never widen
  message_->hide();
  layout->addWidget(message_);
  auto* split = central_split_ = new QSplitter(Qt::Horizontal, central);
  auto* input_side = new QWidget(split);
  auto* input_layout = new QVBoxLayout(input_side);
  input_layout->setContentsMargins(0, 0, 0, 0);
  input_view_ = new widgets::ImageView(input_side);
  input_view_->setToolTip(
      "The input as the network saw it, with the task's overlay. Wheel: zoom, drag: pan, Ctrl+0: fit; the cell "
      "detail follows.");
  error_scale_ = new widgets::ColorBar(input_side);
  error_scale_->setToolTip("The error map's colours and the values they stand for");
  error_scale_->hide();
  player_ = new widgets::PlayerBar(input_side);
  player_->hide();
  input_layout->addWidget(input_view_, 1);
  input_layout->addWidget(error_scale_);
  input_layout->addWidget(player_);
  explorer_ = new ColumnExplorer(split);
  split->addWidget(input_side);
  split->addWidget(explorer_);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  input_view_->setMinimumWidth(160);
  // Nothing open yet: the start page stands in for the input and explorer.
  stack_ = new QStackedWidget(central);
  start_page_ = new StartPage(stack_);
  stack_->addWidget(start_page_);
  stack_->addWidget(split);
  layout->addWidget(stack_, 1);
  setCentralWidget(central);
  connect(start_page_, &StartPage::demoRequested, this, &MainWindow::openDemo);
  connect(start_page_, &StartPage::recentRequested, this, [this](const QString& path) { openInput(path); });
  connect(start_page_, &StartPage::guideRequested, this, [this]() { showGuide(); });

  buildMenus();
  buildDocks();

  status_device_ = new QLabel(this);
  status_time_ = new QLabel(this);
  status_time_->setToolTip("Time of the last analysis on the inference thread");
  status_device_->setToolTip("Where the model runs and in which precision");
  progress_ = new QProgressBar(this);
  progress_->setMaximumWidth(160);
  progress_->hide();
  cancel_ = new QPushButton("Cancel", this);
  cancel_->setToolTip("Stop what runs now (analysis, CKA, ablation)");
  cancel_->hide();
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancel_);
  statusBar()->addPermanentWidget(status_time_);
  statusBar()->addPermanentWidget(status_device_);
  status_device_->setText(QString("%1 | fp32").arg(cudaAvailable() ? "CUDA available" : "CPU"));
  statusBar()->showMessage(QString::fromStdString(versionString()));

  worker_ = new InferenceWorker;
  worker_->moveToThread(&worker_thread_);
  connect(&worker_thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(worker_, &InferenceWorker::modelLoaded, this, &MainWindow::showModel);
  connect(worker_, &InferenceWorker::videoOpened, this, &MainWindow::onVideoOpened);
  connect(worker_, &InferenceWorker::analysisReady, this, &MainWindow::onAnalysisReady);
  connect(worker_, &InferenceWorker::float64Ready, this, &MainWindow::onFloat64Ready);
  connect(worker_, &InferenceWorker::dropped, this, [this](quint64) { finishJob(); });
  connect(worker_, &InferenceWorker::failed, this, [this](const QString& m) {
    showError(m);
    setPlaying(false);  // a failing source would fail again on every frame
    finishJob();
  });
  connect(worker_, &InferenceWorker::progress, this, [this](quint64 id, int done, int total) {
    if (id + 1 != next_id_) return;
    progress_->setRange(0, total);
    progress_->setValue(done);
  });
  connect(worker_, &InferenceWorker::ckaProgress, this, [this](quint64 id, int done, int total) {
    if (id + 1 != next_cka_id_) return;
    progress_->setRange(0, total);
    progress_->setValue(done);
    statusBar()->showMessage(QString("CKA: features of image %1 of %2").arg(done + 1).arg(total));
  });
  connect(worker_, &InferenceWorker::ckaReady, this, [this](std::shared_ptr<const CkaJobResult> job) {
    if (job->id + 1 == next_cka_id_) cka_panel_->setResult(job);
    finishJob();
  });
  connect(worker_, &InferenceWorker::ablationReady, this, [this](std::shared_ptr<const AblationJobResult> job) {
    if (job->id + 1 == next_cka_id_) ablation_panel_->setAblated(job);
    finishJob();
  });
  connect(cancel_, &QPushButton::clicked, this, [this]() {
    setPlaying(false);
    worker_->supersede(next_id_);  // every request so far is stale
    worker_->supersedeCka(next_cka_id_);
    statusBar()->showMessage("Cancelled", 3000);
  });
  connect(explorer_, &ColumnExplorer::cellActivated, this, &MainWindow::showCell);
  connect(input_view_, &widgets::ImageView::hoveredPixel, this, [this](int x, int y) {
    const QImage& img = input_view_->image();
    if (x < 0 || y < 0 || x >= img.width() || y >= img.height()) return;
    const QColor c = img.pixelColor(x, y);
    statusBar()->showMessage(
        QString("input pixel (%1, %2): RGB %3 %4 %5").arg(x).arg(y).arg(c.red()).arg(c.green()).arg(c.blue()));
  });
  connect(player_, &widgets::PlayerBar::frameRequested, this, &MainWindow::showPosition);
  connect(player_, &widgets::PlayerBar::playingChanged, this, [this](bool playing) {
    if (!playing) {
      requestFloat64IfShownLacksIt();
      if (pending_ == 0) emit becameIdle();
      return;
    }
    since_frame_shown_.invalidate();
    if (!sequence_.live() && position_ + 1 >= sequence_.frames)
      showPosition(0);  // play from the start again
    else
      advancePlayback();
  });
  worker_thread_.start();

  default_layout_ = saveState(kLayoutVersion);
  QSettings settings;
  restoreGeometry(settings.value("window/geometry").toByteArray());
  restoreState(settings.value("window/state").toByteArray(), kLayoutVersion);
  showDocksForTask();
  // The start page stands alone: data docks would all be empty. showWorkspace() brings them back.
  workspace_state_ = saveState(kLayoutVersion);
  for (QDockWidget* d : findChildren<QDockWidget*>()) d->hide();
  rebuildRecentMenu();
}

MainWindow::~MainWindow() {
  // Cancel whatever runs (frames, CKA, ablation) so closing does not wait for it.
  worker_->supersede(~quint64(0));
  worker_->supersedeCka(~quint64(0));
  worker_thread_.quit();
  worker_thread_.wait();
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu("&File");
  file->addAction("Open &Checkpoint...", QKeySequence("Ctrl+Shift+O"), this, [this]() {
    QString path = QFileDialog::getOpenFileName(this, "Open RevCol Checkpoint", QString(),
                                                "PyTorch checkpoints (*.pth *.pt *.ckpt *.bin);;All files (*)");
    if (!path.isEmpty()) openCheckpoint(path);
  });
  file->addAction("&Open Image or Video...", QKeySequence::Open, this, [this]() {
    QString path = QFileDialog::getOpenFileName(
        this, "Open Image or Video", QString(),
        "Images and videos (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.mp4 *.avi *.mkv *.mov *.webm);;All files "
        "(*)");
    if (!path.isEmpty()) openInput(path);
  });
  file->addAction("Open &Folder of Images...", QKeySequence("Ctrl+Shift+F"), this, [this]() {
    QString path = QFileDialog::getExistingDirectory(this, "Open Folder of Images");
    if (!path.isEmpty()) openInput(path);
  });
  file->addAction("Open &Webcam...", QKeySequence("Ctrl+Shift+W"), this, [this]() {
    bool ok = false;
    const int index = QInputDialog::getInt(this, "Open Webcam", "Camera index:", 0, 0, 63, 1, &ok);
    if (ok) openInput(QString("webcam:%1").arg(index));
  });
  recent_menu_ = file->addMenu("Recent Files");
  file->addSeparator();
  buildExportMenu(file);
  file->addSeparator();
  file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);
  view_menu_ = menuBar()->addMenu("&View");
  view_menu_->addAction("Fit Input to Window", QKeySequence("Ctrl+0"), this, [this]() { input_view_->fitToWindow(); });
  view_menu_->addAction("Reset Layout", this, &MainWindow::resetLayout);
  view_menu_->addAction("Presentation", QKeySequence(Qt::Key_F11), this, [this]() { showPresentation(); });
  view_menu_->addSeparator();
  QMenu* play = menuBar()->addMenu("&Playback");
  auto shortcut = [this, play](const QString& text, const QKeySequence& key, auto slot) {
    QAction* a = play->addAction(text, this, slot);
    a->setShortcut(key);
    a->setShortcutContext(Qt::WindowShortcut);
    return a;
  };
  shortcut("Play / Pause", QKeySequence(Qt::Key_Space), [this]() { player_->togglePlaying(); });
  shortcut("Next Frame", QKeySequence(Qt::Key_Right), [this]() { player_->stepBy(1); });
  shortcut("Previous Frame", QKeySequence(Qt::Key_Left), [this]() { player_->stepBy(-1); });
  shortcut("Ten Frames Forward", QKeySequence(Qt::Key_PageDown), [this]() { player_->stepBy(10); });
  shortcut("Ten Frames Back", QKeySequence(Qt::Key_PageUp), [this]() { player_->stepBy(-10); });
  shortcut("First Frame", QKeySequence(Qt::Key_Home), [this]() { showPosition(0); });
  shortcut("Last Frame", QKeySequence(Qt::Key_End), [this]() {
    if (sequence_.frames > 0) showPosition(sequence_.frames - 1);
  });
  QMenu* settings = menuBar()->addMenu("&Settings");
  settings->addAction("CPU Threads...", this, [this]() {
    bool ok = false;
    const int threads = QInputDialog::getInt(
        this, "CPU Threads", "Threads for inference (0 = auto: the physical cores not busy with other work):",
        QSettings().value("inference/threads", 0).toInt(), 0, 256, 1, &ok);
    if (!ok) return;
    QSettings().setValue("inference/threads", threads);
    if (!model_.info.file.empty()) openCheckpoint(QString::fromStdString(model_.info.file));  // applies at load
  });
  QAction* fast = settings->addAction("Fast CPU Path (checked against the plain modules at load)");
  fast->setCheckable(true);
  fast->setChecked(QSettings().value("inference/fast", true).toBool());
  connect(fast, &QAction::toggled, this, [this](bool on) {
    QSettings().setValue("inference/fast", on);
    if (!model_.info.file.empty()) openCheckpoint(QString::fromStdString(model_.info.file));
  });
  QAction* bf16 = settings->addAction("bfloat16 Matrix Products (faster, approximate: ~1e-2 drift)");
  bf16->setCheckable(true);
  bf16->setChecked(QSettings().value("inference/bf16", false).toBool());
  connect(bf16, &QAction::toggled, this, [this](bool on) {
    QSettings().setValue("inference/bf16", on);
    if (!model_.info.file.empty()) openCheckpoint(QString::fromStdString(model_.info.file));
  });
  QMenu* help = menuBar()->addMenu("&Help");
  help->addAction("&Guide", QKeySequence::HelpContents, this, [this]() { showGuide(); });
  help->addAction("G&lossary", this, [this]() { showGuide("glossary.html"); });
  help->addAction("&Keyboard Shortcuts", this, [this]() { showGuide("shortcuts.html"); });
  help->addSeparator();
  help->addAction("About RevCol Studio", this,
                  [this]() { statusBar()->showMessage(QString::fromStdString(versionString()), 5000); });
}

QDockWidget* MainWindow::addDock(const QString& title, QWidget* content, Qt::DockWidgetArea area) {
  auto* d = new QDockWidget(title, this);
  d->setObjectName(title);
  d->setWidget(content);
  // Qt gives the title bar's buttons no tooltips of their own.
  if (auto* b = d->findChild<QAbstractButton*>("qt_dockwidget_closebutton"))
    b->setToolTip(QString("Close %1 (the View menu brings it back)").arg(title));
  if (auto* b = d->findChild<QAbstractButton*>("qt_dockwidget_floatbutton"))
    b->setToolTip(QString("Float %1 as a window of its own, or dock it again").arg(title));
  addDockWidget(area, d);
  view_menu_->addAction(d->toggleViewAction());
  return d;
}

void MainWindow::buildDocks() {
  // The bottom docks span the whole width (plots need it); the side docks sit above them.
  setCorner(Qt::BottomLeftCorner, Qt::BottomDockWidgetArea);
  setCorner(Qt::BottomRightCorner, Qt::BottomDockWidgetArea);

  auto* predictions = new QWidget(this);
  auto* predictions_layout = new QVBoxLayout(predictions);
  top_bars_ = new widgets::ProbabilityBars(predictions);
  top_bars_->setMessage("Open a checkpoint and an image to see what the model predicts.");
  top_bars_->setToolTip("The last head's top classes, detections by score, or segmentation classes by pixel share");
  head_bars_ = new widgets::ProbabilityBars(predictions);
  head_bars_->setToolTip(
      "With intermediate supervision every column has a head: its top-1 shows how sure each column is.");
  predictions_layout->addWidget(top_bars_);
  predictions_layout->addWidget(head_bars_);
  predictions_layout->addStretch(1);
  auto* predictions_scroll = new QScrollArea(this);
  predictions_scroll->setWidget(predictions);
  predictions_scroll->setWidgetResizable(true);
  predictions_scroll->setFrameShape(QFrame::NoFrame);
  QDockWidget* predictions_dock = addDock("Predictions", predictions_scroll, Qt::LeftDockWidgetArea);
  model_panel_ = new QTextBrowser(this);
  model_panel_->setHtml("<i>No checkpoint loaded.</i><br>File &gt; Open Checkpoint, or drop a .pth file here.");
  model_panel_->setToolTip("What the checkpoint holds, as read from its weights");
  tabifyDockWidget(predictions_dock, addDock("Model", model_panel_, Qt::LeftDockWidgetArea));
  predictions_dock->raise();

  auto* overlay = new QWidget(this);
  auto* overlay_layout = new QVBoxLayout(overlay);
  overlay_layout->setContentsMargins(0, 0, 0, 0);
  overlay_controls_ = new widgets::OverlayControls(overlay);
  connect(overlay_controls_, &widgets::OverlayControls::changed, this, &MainWindow::updateInputImage);
  ground_truth_ = new QCheckBox("Show the ground truth", overlay);
  ground_truth_->setEnabled(false);
  ground_truth_->setToolTip("No ground truth beside this input (NAME_labels.png or a COCO annotations.json).");
  connect(ground_truth_, &QCheckBox::toggled, this, [this]() {
    if (!result_) return;
    updateOverlayLegend();
    updateInputImage();
  });
  overlay_layout->addWidget(ground_truth_);
  overlay_layout->addWidget(overlay_controls_, 1);
  addDock("Detections / segments", overlay, Qt::LeftDockWidgetArea);
  for (QWidget* w : std::initializer_list<QWidget*>{predictions_scroll, model_panel_, overlay}) w->setMinimumWidth(200);

  auto* err = new QWidget(this);
  auto* err_layout = new QVBoxLayout(err);
  auto* err_controls = new QHBoxLayout;
  error_mode_ = new QComboBox(err);
  error_mode_->addItems({"step: each column from the true next column", "chain: from the last column back"});
  error_mode_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  error_mode_->setMinimumContentsLength(12);
  error_mode_->setToolTip(
      "How each column is recovered by inverting the reversible connections: step inverts one column from the "
      "true next one (the error of one inversion); chain starts at the last column and inverts back column by "
      "column (errors add up).");
  err_controls->addWidget(error_mode_, 1);
  error_overlay_ = new QCheckBox("Error map over the input", err);
  error_overlay_->setToolTip(
      "Draw the selected cell's reconstruction error, |recovered - true| averaged over channels, over the input");
  err_controls->addWidget(error_overlay_);
  err_layout->addLayout(err_controls);
  auto* plots = new QSplitter(Qt::Horizontal, err);
  error_plot_ = new widgets::ErrorPlot(plots);
  error_plot_->setToolTip("Relative L2 error of each recovered column, per level; hover a point for its value");
  alpha_plot_ = new widgets::ErrorPlot(plots);
  alpha_plot_->setToolTip("The learned reversible weights alpha per level (mean |alpha| over channels)");
  plots->addWidget(error_plot_);
  plots->addWidget(alpha_plot_);
  err_layout->addWidget(plots, 1);
  connect(error_mode_, &QComboBox::currentIndexChanged, this, &MainWindow::updateErrorPlot);
  connect(error_mode_, &QComboBox::currentIndexChanged, this, &MainWindow::updateErrorOverlay);
  connect(error_mode_, &QComboBox::currentIndexChanged, this, [this](int mode) {
    explorer_->setReconstructionMode(mode == 1 ? ReconstructionMode::Chain : ReconstructionMode::Step);
  });
  connect(error_overlay_, &QCheckBox::toggled, this, &MainWindow::updateErrorOverlay);
  QDockWidget* reconstruction = addDock("Reversible reconstruction", err, Qt::BottomDockWidgetArea);

  // The timeline sits beside the reconstruction plots, not under them: both keep their height.
  timeline_ = new widgets::TimelinePlot(this);
  timeline_->setToolTip("Per-frame measures of the open video or folder; click to jump to a frame");
  connect(timeline_, &widgets::TimelinePlot::frameClicked, this, [this](int frame) {
    if (sequence_.frames > 0 && frame >= 0 && frame < sequence_.frames) showPosition(frame);
  });
  timeline_dock_ = addDock("Timeline", timeline_, Qt::BottomDockWidgetArea);
  splitDockWidget(reconstruction, timeline_dock_, Qt::Horizontal);
  timeline_dock_->hide();

  cka_panel_ = new DisentanglementPanel(this);
  connect(cka_panel_, &DisentanglementPanel::computeRequested, this, &MainWindow::computeCka);
  connect(cka_panel_, &DisentanglementPanel::failed, this, &MainWindow::showError);
  tabifyDockWidget(reconstruction, addDock("Disentanglement (CKA)", cka_panel_, Qt::BottomDockWidgetArea));
  ablation_panel_ = new AblationPanel(this);
  connect(ablation_panel_, &AblationPanel::runRequested, this, &MainWindow::runAblation);
  tabifyDockWidget(reconstruction, addDock("Ablation", ablation_panel_, Qt::BottomDockWidgetArea));
  decoders_ = new widgets::FeatureGrid(this);
  decoders_->setCellSize(96);
  decoders_->setToolTip("What each intermediate decoder rebuilds of the input from its column's last level");
  tabifyDockWidget(reconstruction, addDock("Decoder reconstructions", decoders_, Qt::BottomDockWidgetArea));
  reconstruction->raise();

  auto* cell = new QWidget(this);
  auto* cell_layout = new QVBoxLayout(cell);
  cell_view_ = new widgets::ImageView(cell);
  cell_view_->setToolTip("The selected explorer cell, large; zoom and pan follow the input");
  cell_scale_ = new widgets::ColorBar(cell);
  cell_scale_->setToolTip("The cell's colours and the values they stand for (the range the explorer used)");
  cell_readout_ = new QLabel("Click a cell of the column explorer.", cell);
  cell_readout_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // the readout never widens the dock
  cell_readout_->setWordWrap(true);
  histogram_ = new widgets::HistogramView(cell);
  histogram_->setToolTip("Histogram of every activation of the selected cell (all channels), mean marked");
  cell_layout->addWidget(cell_view_, 3);
  cell_layout->addWidget(cell_scale_);
  cell_layout->addWidget(cell_readout_);
  cell_layout->addWidget(histogram_, 1);
  widgets::ImageView::synchronize(input_view_, cell_view_);
  connect(cell_view_, &widgets::ImageView::hoveredPixel, this, [this](int x, int y) {
    if (!result_ || cell_column_ < 0 || x < 0 || cell_column_ >= int(result_->analysis.columns.size())) return;
    const FloatArray& f = result_->analysis.columns[size_t(cell_column_)].levels[size_t(cell_level_)];
    if (f.shape.size() != 3 || f.shape[2] <= 0) return;
    const double factor = double(cell_view_->image().width()) / double(f.shape[2]);
    const int64_t fx = int64_t(x / std::max(1e-9, factor)), fy = int64_t(y / std::max(1e-9, factor));
    if (fx >= f.shape[2] || fy >= f.shape[1]) return;  // the view still shows an older image
    double sum = 0;
    const int64_t hw = f.shape[1] * f.shape[2];
    for (int64_t c = 0; c < f.shape[0]; ++c) sum += std::abs(f.values[size_t(c * hw + fy * f.shape[2] + fx)]);
    cell_readout_->setText(QString("column %1, %2, pixel (%3, %4): mean |a| = %5")
                               .arg(cell_column_)
                               .arg(levelLabel(cell_level_))
                               .arg(fx)
                               .arg(fy)
                               .arg(sum / double(f.shape[0]), 0, 'g', 4));
  });
  addDock("Cell detail", cell, Qt::RightDockWidgetArea)->setMinimumWidth(200);
}

void MainWindow::showDocksForTask() {
  const bool overlay = model_ready_ && (model_.task == Task::Detection || model_.task == Task::Segmentation);
  if (auto* d = findChild<QDockWidget*>("Detections / segments")) d->setVisible(overlay);
  const bool timeline = sequence_.kind == SourceKind::Video || sequence_.kind == SourceKind::Folder || sequence_.live();
  const bool appears = timeline && !timeline_dock_->isVisible();
  timeline_dock_->setVisible(timeline);
  if (appears) placeTimeline();
  const bool decoders = result_ && !result_->analysis.decoder_images.empty();
  if (auto* d = findChild<QDockWidget*>("Decoder reconstructions")) d->setVisible(decoders);
}

void MainWindow::fitToScreen() {
  QScreen* s = screen();
  if (!s) return;
  const QRect avail = s->availableGeometry();
  // Frame margins are known once the window manager has framed the window (0 before, and offscreen).
  const QSize frame = frameGeometry().size() - geometry().size();
  const QSize inner = avail.size() - frame;
  resize(inner);
  move(avail.topLeft());
  if (startPageShown())
    size_docks_on_workspace_ = true;  // hidden docks take no size: given when the workspace shows
  else
    sizeDocks();
}

void MainWindow::sizeDocks() {
  const QSize inner = size();
  // Side docks a fifth of the width, the bottom docks a third of the height.
  QList<QDockWidget*> left, right, bottom;
  for (QDockWidget* d : findChildren<QDockWidget*>()) {
    const Qt::DockWidgetArea area = dockWidgetArea(d);
    if (area == Qt::LeftDockWidgetArea) left << d;
    if (area == Qt::RightDockWidgetArea) right << d;
    if (area == Qt::BottomDockWidgetArea) bottom << d;
  }
  const int side = std::clamp(inner.width() / 5, 220, 380);
  if (!left.isEmpty()) resizeDocks({left.front()}, {side}, Qt::Horizontal);
  if (!right.isEmpty()) resizeDocks({right.front()}, {side}, Qt::Horizontal);
  if (!bottom.isEmpty()) resizeDocks({bottom.front()}, {inner.height() / 3}, Qt::Vertical);
  // The input and the explorer share the centre 2 : 3.
  const int centre = std::max(200, inner.width() - 2 * side);
  central_split_->setSizes({centre * 2 / 5, centre * 3 / 5});
  placeTimeline();
}

void MainWindow::placeTimeline() {
  // Beside the reconstruction plots, two fifths of the width: enough for a frame axis and legend.
  auto* reconstruction = findChild<QDockWidget*>("Reversible reconstruction");
  if (!timeline_dock_->isVisible() || !reconstruction || dockWidgetArea(timeline_dock_) != Qt::BottomDockWidgetArea)
    return;
  resizeDocks({reconstruction, timeline_dock_}, {width() * 3 / 5, width() * 2 / 5}, Qt::Horizontal);
}

void MainWindow::resetLayout() {
  workspace_state_ = default_layout_;
  if (!startPageShown()) restoreState(default_layout_, kLayoutVersion);
  fitToScreen();
  if (!startPageShown()) showDocksForTask();
}

void MainWindow::showWorkspace() {
  if (!startPageShown()) return;
  stack_->setCurrentIndex(1);
  // The docks as they were laid out (saved, or as built), now that there is something to show.
  restoreState(workspace_state_, kLayoutVersion);
  showDocksForTask();
  if (size_docks_on_workspace_) sizeDocks();
  size_docks_on_workspace_ = false;
}

void MainWindow::showEvent(QShowEvent* event) {
  QMainWindow::showEvent(event);
  if (fitted_) return;
  fitted_ = true;
  // A saved geometry is kept when it still fits this screen; otherwise the window fills the screen.
  QScreen* s = screen();
  if (!s || !QSettings().contains("window/geometry") || !s->availableGeometry().contains(frameGeometry()))
    fitToScreen();
}

void MainWindow::computeCka(const CkaRequest& request) {
  const quint64 id = next_cka_id_++;
  worker_->supersedeCka(id);
  startJob();
  const AnalysisSettings settings = settings_;
  QMetaObject::invokeMethod(
      worker_, [w = worker_, id, request, settings]() { w->computeCka(id, request, settings); }, Qt::QueuedConnection);
}

void MainWindow::runAblation(const Ablation& ablation) {
  if (!result_) {
    showError("Nothing to ablate yet: open a checkpoint and an input first.");
    return;
  }
  const quint64 id = next_cka_id_++;  // a side job, like CKA
  worker_->supersedeCka(id);
  startJob();
  const AnalysisSettings settings = settings_;
  const FrameRequest frame = result_->frame;
  const cv::Mat rgb = result_->frame_rgb;
  QMetaObject::invokeMethod(
      worker_, [w = worker_, id, frame, rgb, settings, ablation]() { w->ablate(id, frame, rgb, settings, ablation); },
      Qt::QueuedConnection);
}

LoadOptions MainWindow::loadOptions() const {
  LoadOptions o;
  o.device = "cpu";
  o.threads = QSettings().value("inference/threads", 0).toInt();
  o.fast = QSettings().value("inference/fast", true).toBool();
  o.bf16 = QSettings().value("inference/bf16", false).toBool();
  return o;
}

void MainWindow::showGuide(const QString& page) {
  if (!guide_) {
    guide_ = new GuideDialog(this);
    if (model_ready_)
      guide_->setArchitecture(model_.info.architecture, QString::fromStdString(describe(model_.info.architecture)));
  }
  guide_->showPage(page);
  guide_->show();
  guide_->raise();
}

PresentationWindow* MainWindow::showPresentation(bool full_screen) {
  if (!presentation_) presentation_ = new PresentationWindow(this);
  if (full_screen) {
    if (screen()) presentation_->setGeometry(screen()->geometry());  // also where no window manager does it
    presentation_->showFullScreen();
  } else
    presentation_->show();
  presentation_->refresh();
  presentation_->setFocus();
  return presentation_;
}

bool MainWindow::startPageShown() const { return stack_->currentWidget() == start_page_; }

void MainWindow::openDemo(int index) {
  const QList<Demo>& demos = start_page_->demos();
  if (index < 0 || index >= demos.size()) return;
  const Demo& d = demos[index];
  openCheckpoint(d.checkpoint);
  openInput(d.input);
  if (d.cka) {
    pending_cka_folder_ = d.input;
    showDock("Disentanglement (CKA)");
  }
}

void MainWindow::openCheckpoint(const QString& path) {
  showWorkspace();
  message_->hide();
  model_ready_ = false;
  setPlaying(false);
  cache_.clear();  // results of the previous model
  summaries_.clear();
  startJob();
  statusBar()->showMessage("Loading " + QFileInfo(path).fileName() + " ...");
  addRecent(path);
  QMetaObject::invokeMethod(
      worker_, [w = worker_, path, options = loadOptions()]() { w->loadModel(path, options); }, Qt::QueuedConnection);
}

bool MainWindow::openInput(const QString& path) {
  if (isCheckpoint(path)) {
    openCheckpoint(path);
    return true;
  }
  try {
    InputSequence next = describeInput(path);
    showWorkspace();
    if (next.kind == SourceKind::Image) {
      // Decode here so a broken file is refused at once and the image shows before any model runs.
      const cv::Mat rgb = loadImageRgb(path.toStdString());
      input_view_->setImage(toQImage(rgb));
    }
    setPlaying(false);
    sequence_ = next;
    cache_.clear();
    summaries_.clear();
    live_frames_ = 0;
    position_ = 0;
    message_->hide();
    setWindowTitle(QFileInfo(path).fileName() + " - RevCol Studio");
    addRecent(path);
    player_->setSequence(sequence_.frames, sequence_.fps);
    if (sequence_.kind == SourceKind::Folder) cka_panel_->setSuggestedFolder(path);
    player_->setVisible(sequence_.kind != SourceKind::Image);
    showDocksForTask();
    updateTimeline();
    if (sequence_.kind == SourceKind::Video) {
      startJob();
      statusBar()->showMessage("Reading " + QFileInfo(path).fileName() + " ...");
      QMetaObject::invokeMethod(
          worker_, [w = worker_, path]() { w->openVideo(path); }, Qt::QueuedConnection);
    } else if (!sequence_.live()) {
      showPosition(0);
    } else {
      statusBar()->showMessage("Press Space to start the camera", 5000);
    }
    return true;
  } catch (const Error& e) {
    showError(QString::fromStdString(e.what()));
    return false;
  }
}

void MainWindow::showModel(const LoadedModel& loaded, double ms) {
  model_ = loaded;
  model_ready_ = true;
  settings_.warp_size = loaded.card_image_size;
  // Dense tasks: the column analysis looks at the whole frame at the size the model learnt on.
  settings_.dense_long_side = loaded.card_image_size > 0 ? loaded.card_image_size : AnalysisSettings{}.dense_long_side;
  // Sidecars name the checkpoint by its SHA-256; hashing hundreds of MB takes a second, so it runs
  // beside everything else and is only waited for by an export.
  checkpoint_sha256_ = QtConcurrent::run(
      [file = loaded.info.file]() { return QString::fromStdString(file.empty() ? "" : sha256File(file)); });
  const ModelInfo& info = loaded.info;
  const Architecture& a = info.architecture;
  QString html = QString("<b>%1</b><table>").arg(QString::fromStdString(describe(a)).toHtmlEscaped());
  auto row = [&html](const QString& k, const QString& v) {
    html += "<tr><td><b>" + k + "</b></td><td>" + v.toHtmlEscaped() + "</td></tr>";
  };
  row("variant", QString::fromStdString(a.variant));
  row("task", toString(a.task));
  row("columns", QString::number(a.columns));
  row("channels",
      QString("%1 / %2 / %3 / %4").arg(a.channels[0]).arg(a.channels[1]).arg(a.channels[2]).arg(a.channels[3]));
  row("layers", QString("%1 / %2 / %3 / %4").arg(a.layers[0]).arg(a.layers[1]).arg(a.layers[2]).arg(a.layers[3]));
  row("kernel", QString::number(a.kernel_size));
  row("heads", QString("%1 (%2)").arg(toString(a.head)).arg(a.num_heads));
  row("classes", QString::number(a.task == Task::Classification ? a.num_classes : int64_t(loaded.class_names.size())));
  row("decoders", QString("%1 (%2)").arg(toString(a.decoder)).arg(a.num_decoders));
  row("parameters",
      QString("%1 M (backbone and classification heads)").arg(double(info.parameter_count) / 1e6, 0, 'f', 2));
  row("weights", QString::fromStdString(info.weights_source) + (info.has_ema ? " (EMA also present)" : ""));
  row("file", QString::fromStdString(info.file));
  row("device", QString::fromStdString(info.device));
  if (loaded.card_image_size > 0)
    row("input", QString("warped to %1 x %1 (the model card beside the checkpoint)").arg(loaded.card_image_size));
  row("threads", loaded.options.threads > 0 ? QString::number(loaded.options.threads)
                                            : "auto (the physical cores not busy with other work)");
  const bool bf16 = info.cpu_path == "fast bf16";
  const QString path = info.cpu_path.empty()      ? QString()
                       : info.cpu_path == "plain" ? ", plain modules"
                                                  : ", fast CPU path (oneDNN), checked against the plain one at load";
  row("precision", QString("%1%2 (reconstruction in float32 and float64)")
                       .arg(bf16 ? "bfloat16 matrix products, float32 elsewhere" : "float32")
                       .arg(path));
  if (loaded.options.bf16 && !bf16 && info.cpu_path != "")
    row("note", "bfloat16 was asked for but cannot run here: float32 instead");
  html += "</table>";
  model_panel_->setHtml(html);
  if (guide_) guide_->setArchitecture(a, QString::fromStdString(describe(a)));
  ablation_panel_->setModel(loaded);
  overlay_controls_->setMode(loaded.task == Task::Detection      ? widgets::OverlayControls::Mode::Detection
                             : loaded.task == Task::Segmentation ? widgets::OverlayControls::Mode::Segmentation
                                                                 : widgets::OverlayControls::Mode::None);
  // Background is left untinted: the classes are what a reader looks for (tick it to tint it).
  for (size_t c = 0; c < loaded.class_names.size(); ++c)
    if (QString::fromStdString(loaded.class_names[c]).trimmed().compare("background", Qt::CaseInsensitive) == 0)
      overlay_controls_->setClassShown(int(c), false);
  timeline_->setConfidenceAxis(loaded.task == Task::Detection      ? "best detection score"
                               : loaded.task == Task::Segmentation ? QString()
                                                                   : "top-1 confidence (last head)");
  showDocksForTask();
  status_device_->setText(QString("%1 | %2").arg(QString::fromStdString(info.device)).arg(bf16 ? "bf16" : "fp32"));
  statusBar()->showMessage(QString("Loaded in %1 ms").arg(ms, 0, 'f', 0), 5000);
  // Queue the analysis before this job counts as finished, so the window never looks idle between.
  if (!sequence_.empty() && !sequence_.live() && sequence_.frames > 0) showPosition(position_);
  finishJob();
}

QString MainWindow::errorMessage() const { return message_->isVisible() ? message_->text() : QString(); }
QString MainWindow::modelPanelText() const { return model_panel_->toPlainText(); }
QString MainWindow::predictionsText() const { return top_bars_->text() + "\n" + head_bars_->text(); }

void MainWindow::showError(const QString& message) {
  had_error_ = true;
  message_->setText(message);
  message_->show();
}

bool MainWindow::idle() const { return pending_ == 0 && !player_->playing(); }

void MainWindow::startJob() {
  ++pending_;
  progress_->setRange(0, 0);
  progress_->show();
  cancel_->show();
}

void MainWindow::finishJob() {
  pending_ = std::max(0, pending_ - 1);
  if (pending_ == 0) {
    progress_->hide();
    cancel_->hide();
    if (!pending_cka_folder_.isEmpty() && model_ready_ && !player_->playing()) {
      // A demo asked for CKA: its model and first frame are done, so the folder's features come next.
      const QString folder = pending_cka_folder_;
      pending_cka_folder_.clear();
      try {
        computeCka(ckaRequestForFolder(folder, true, 128));
        return;  // idle once the CKA is done
      } catch (const Error& e) {
        showError(QString::fromStdString(e.what()));
      }
    }
    if (!player_->playing()) emit becameIdle();
  }
}

void MainWindow::addRecent(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value("recentFiles").toStringList();
  const QString abs = path.startsWith("webcam:") ? path : QFileInfo(path).absoluteFilePath();
  recent.removeAll(abs);
  recent.prepend(abs);
  while (recent.size() > 10) recent.removeLast();
  settings.setValue("recentFiles", recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recent_menu_->clear();
  const QStringList recent = QSettings().value("recentFiles").toStringList();
  for (const QString& path : recent)
    recent_menu_->addAction(QFileInfo(path).fileName().isEmpty() ? path : QFileInfo(path).fileName(), this,
                            [this, path]() { openInput(path); });
  recent_menu_->setEnabled(!recent.isEmpty());
  start_page_->setRecentFiles(recent);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  // A checkpoint and an input dropped together: load the model first, then open the input.
  QStringList inputs;
  for (const QUrl& url : event->mimeData()->urls()) {
    const QString path = url.toLocalFile();
    if (path.isEmpty()) continue;
    if (isCheckpoint(path))
      openCheckpoint(path);
    else
      inputs << path;
  }
  if (!inputs.isEmpty()) openInput(inputs.front());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  setPlaying(false);
  QSettings().setValue("window/geometry", saveGeometry());
  QSettings().setValue("window/state", startPageShown() ? workspace_state_ : saveState(kLayoutVersion));
  QMainWindow::closeEvent(event);
}

void MainWindow::setDisplayMode(int mode) { explorer_->setMode(mode); }
void MainWindow::showDock(const QString& title) {
  if (auto* d = findChild<QDockWidget*>(title)) {
    d->show();
    d->raise();
  }
}
void MainWindow::setChainMode(bool chain) {
  error_mode_->setCurrentIndex(chain ? 1 : 0);
  error_overlay_->setChecked(true);
}
void MainWindow::selectCellWhenReady(int column, int level) {
  pending_cell_column_ = column;
  pending_cell_level_ = level;
}

}  // namespace revcol::studio
