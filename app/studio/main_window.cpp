#include "main_window.h"

#include <QAction>
#include <QCheckBox>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "column_explorer.h"
#include "revcol/class_labels.h"
#include "revcol/colorize.h"
#include "revcol/error.h"
#include "revcol/image_io.h"
#include "revcol/version.h"
#include "revcol_widgets/colormap.h"
#include "revcol_widgets/error_plot.h"
#include "revcol_widgets/feature_grid.h"
#include "revcol_widgets/histogram_view.h"
#include "revcol_widgets/image_view.h"

namespace revcol::studio {
namespace {

const QStringList kLevelColors = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"};

bool isCheckpoint(const QString& path) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  return suffix == "pth" || suffix == "pt" || suffix == "ckpt" || suffix == "bin";
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle("RevCol Studio");
  setAcceptDrops(true);
  resize(1600, 1000);

  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  message_ = new QLabel(central);
  message_->setWordWrap(true);
  message_->setStyleSheet("QLabel { color: #b00020; font-weight: bold; }");
  message_->hide();
  layout->addWidget(message_);
  auto* split = new QSplitter(Qt::Horizontal, central);
  input_view_ = new widgets::ImageView(split);
  explorer_ = new ColumnExplorer(split);
  split->addWidget(input_view_);
  split->addWidget(explorer_);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  split->setSizes({520, 640});
  input_view_->setMinimumWidth(280);
  layout->addWidget(split, 1);
  setCentralWidget(central);

  buildMenus();
  buildDocks();

  status_device_ = new QLabel(this);
  status_time_ = new QLabel(this);
  progress_ = new QProgressBar(this);
  progress_->setMaximumWidth(200);
  progress_->hide();
  cancel_ = new QPushButton("Cancel", this);
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
  connect(worker_, &InferenceWorker::analysisReady, this, &MainWindow::showResult);
  connect(worker_, &InferenceWorker::failed, this, [this](const QString& m) {
    showError(m);
    finishJob();
  });
  connect(worker_, &InferenceWorker::progress, this, [this](quint64 id, int done, int total) {
    if (id + 1 != next_id_) return;
    progress_->setRange(0, total);
    progress_->setValue(done);
  });
  connect(cancel_, &QPushButton::clicked, this, [this]() {
    worker_->supersede(next_id_);  // every request so far is stale
    statusBar()->showMessage("Cancelled", 3000);
  });
  connect(explorer_, &ColumnExplorer::cellActivated, this, &MainWindow::showCell);
  worker_thread_.start();

  QSettings settings;
  restoreGeometry(settings.value("window/geometry").toByteArray());
  rebuildRecentMenu();
}

MainWindow::~MainWindow() {
  worker_->supersede(~quint64(0));
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
  file->addAction("&Open Image...", QKeySequence::Open, this, [this]() {
    QString path = QFileDialog::getOpenFileName(this, "Open Image", QString(),
                                                "Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)");
    if (!path.isEmpty()) openImage(path);
  });
  recent_menu_ = file->addMenu("Recent Files");
  file->addSeparator();
  file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);
  QMenu* view = menuBar()->addMenu("&View");
  view->addAction("Fit Input to Window", QKeySequence("Ctrl+0"), this, [this]() { input_view_->fitToWindow(); });
  view->setObjectName("viewMenu");
  QMenu* help = menuBar()->addMenu("&Help");
  help->addAction("About RevCol Studio", this,
                  [this]() { statusBar()->showMessage(QString::fromStdString(versionString()), 5000); });
}

void MainWindow::buildDocks() {
  QMenu* view = menuBar()->findChild<QMenu*>("viewMenu");
  auto dock = [this, view](const QString& title, QWidget* w, Qt::DockWidgetArea area) {
    auto* d = new QDockWidget(title, this);
    d->setObjectName(title);
    d->setWidget(w);
    addDockWidget(area, d);
    if (view) view->addAction(d->toggleViewAction());
    return d;
  };
  model_panel_ = new QTextBrowser(this);
  model_panel_->setHtml("<i>No checkpoint loaded.</i><br>File &gt; Open Checkpoint, or drop a .pth file here.");
  dock("Model", model_panel_, Qt::LeftDockWidgetArea);
  predictions_ = new QTextBrowser(this);
  dock("Predictions", predictions_, Qt::LeftDockWidgetArea);

  auto* err = new QWidget(this);
  auto* err_layout = new QVBoxLayout(err);
  error_mode_ = new QComboBox(err);
  error_mode_->addItems(
      {"step: each column inverted from the true next column", "chain: inverted from the last column back"});
  err_layout->addWidget(error_mode_);
  error_overlay_ = new QCheckBox("Overlay the selected cell's error map on the input", err);
  err_layout->addWidget(error_overlay_);
  auto* plots = new QSplitter(Qt::Horizontal, err);
  error_plot_ = new widgets::ErrorPlot(plots);
  alpha_plot_ = new widgets::ErrorPlot(plots);
  plots->addWidget(error_plot_);
  plots->addWidget(alpha_plot_);
  err_layout->addWidget(plots, 1);
  connect(error_mode_, &QComboBox::currentIndexChanged, this, &MainWindow::updateErrorPlot);
  connect(error_mode_, &QComboBox::currentIndexChanged, this, &MainWindow::updateErrorOverlay);
  connect(error_overlay_, &QCheckBox::toggled, this, &MainWindow::updateErrorOverlay);
  dock("Reversible reconstruction", err, Qt::BottomDockWidgetArea);

  auto* cell = new QWidget(this);
  auto* cell_layout = new QVBoxLayout(cell);
  cell_view_ = new widgets::ImageView(cell);
  cell_readout_ = new QLabel("Click a cell of the column explorer.", cell);
  histogram_ = new widgets::HistogramView(cell);
  cell_layout->addWidget(cell_view_, 3);
  cell_layout->addWidget(cell_readout_);
  cell_layout->addWidget(histogram_, 1);
  widgets::ImageView::synchronize(input_view_, cell_view_);
  connect(cell_view_, &widgets::ImageView::hoveredPixel, this, [this](int x, int y) {
    if (!result_ || cell_column_ < 0 || x < 0 || cell_column_ >= int(result_->analysis.columns.size())) return;
    const FloatArray& f = result_->analysis.columns[size_t(cell_column_)].levels[size_t(cell_level_)];
    if (f.shape.size() != 3 || f.shape[2] <= 0) return;
    const int factor = cell_view_->image().width() / int(f.shape[2]);
    const int fx = x / std::max(1, factor), fy = y / std::max(1, factor);
    if (fx >= f.shape[2] || fy >= f.shape[1]) return;  // the view still shows an older image
    double sum = 0;
    const int64_t hw = f.shape[1] * f.shape[2];
    for (int64_t c = 0; c < f.shape[0]; ++c) sum += std::abs(f.values[size_t(c * hw + fy * f.shape[2] + fx)]);
    cell_readout_->setText(QString("column %1, level c%2, feature pixel (%3, %4): mean |a| = %5")
                               .arg(cell_column_)
                               .arg(cell_level_)
                               .arg(fx)
                               .arg(fy)
                               .arg(sum / double(f.shape[0]), 0, 'g', 4));
  });
  dock("Cell detail", cell, Qt::RightDockWidgetArea)->setMinimumWidth(280);
}

void MainWindow::openCheckpoint(const QString& path) {
  message_->hide();
  model_ready_ = false;
  ++pending_;
  progress_->setRange(0, 0);
  progress_->show();
  statusBar()->showMessage("Loading " + QFileInfo(path).fileName() + " ...");
  addRecent(path);
  QMetaObject::invokeMethod(
      worker_, [w = worker_, path]() { w->loadModel(path, "cpu"); }, Qt::QueuedConnection);
}

bool MainWindow::openImage(const QString& path) {
  try {
    cv::Mat rgb = loadImageRgb(path.toStdString());
    QImage view(rgb.data, rgb.cols, rgb.rows, int(rgb.step), QImage::Format_RGB888);
    input_view_->setImage(view.copy());
    image_path_ = path;
    message_->hide();
    setWindowTitle(QFileInfo(path).fileName() + " - RevCol Studio");
    addRecent(path);
    if (model_ready_) requestAnalysis();
    return true;
  } catch (const Error& e) {
    showError(QString::fromStdString(e.what()));
    return false;
  }
}

void MainWindow::requestAnalysis() {
  if (image_path_.isEmpty()) return;
  const quint64 id = next_id_++;
  worker_->supersede(id);
  ++pending_;
  progress_->setRange(0, 0);
  progress_->show();
  cancel_->show();
  const QString path = image_path_;
  QMetaObject::invokeMethod(
      worker_, [w = worker_, id, path]() { w->analyze(id, path, 224); }, Qt::QueuedConnection);
}

void MainWindow::showModel(const ModelInfo& info, double ms) {
  model_info_ = info;
  model_ready_ = true;
  class_names_.clear();
  if (info.architecture.num_classes > 0) {
    try {
      class_names_ = classNamesFor(info.architecture.num_classes);
    } catch (const Error& e) {
      // Predictions then show "class N"; say why instead of failing silently.
      showError(QString::fromStdString(e.what()));
    }
  }
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
  row("classes", QString::number(a.num_classes));
  row("decoders", QString("%1 (%2)").arg(toString(a.decoder)).arg(a.num_decoders));
  row("parameters", QString("%1 M").arg(double(info.parameter_count) / 1e6, 0, 'f', 2));
  row("weights", QString::fromStdString(info.weights_source) + (info.has_ema ? " (EMA also present)" : ""));
  row("file", QString::fromStdString(info.file));
  row("device", QString::fromStdString(info.device));
  html += "</table>";
  model_panel_->setHtml(html);
  status_device_->setText(QString("%1 | fp32").arg(QString::fromStdString(info.device)));
  statusBar()->showMessage(QString("Loaded in %1 ms").arg(ms, 0, 'f', 0), 5000);
  // Queue the analysis before this job counts as finished, so the window never looks idle between.
  if (!image_path_.isEmpty()) requestAnalysis();
  finishJob();
}

void MainWindow::showResult(std::shared_ptr<const AnalysisJobResult> result) {
  if (result->id + 1 != next_id_) {  // stale: a newer request is on its way
    finishJob();
    return;
  }
  result_ = result;
  // Show what the network saw (the preprocessed crop), so feature maps line up with the input.
  const cv::Mat seen = denormalizeToRgb(result->input, {0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f});
  input_view_->setImage(QImage(seen.data, seen.cols, seen.rows, int(seen.step), QImage::Format_RGB888).copy());
  explorer_->setResult(result);
  status_time_->setText(QString("analysis %1 ms").arg(result->milliseconds, 0, 'f', 0));
  // Predictions: the last head's top-5 with bars, then every head's top-1.
  const auto& heads = result->analysis.heads;
  QString html;
  if (heads.empty()) {
    html = "<i>This checkpoint has no classification head.</i>";
  } else {
    const std::vector<std::string>& names = class_names_;
    auto name = [&names](int64_t i) {
      return i >= 0 && size_t(i) < names.size() ? QString::fromStdString(names[size_t(i)]) : QString("class %1").arg(i);
    };
    html += "<b>Top-5 (last head)</b><table width='100%'>";
    for (const TopClass& t : heads.back().top)
      html += QString(
                  "<tr><td>%1</td><td width='45%'><div style='background:#3b82f6; width:%2%;'>&nbsp;</div></td><td "
                  "align='right'>%3%</td></tr>")
                  .arg(name(t.index).toHtmlEscaped())
                  .arg(std::max(1, int(t.probability * 100)))
                  .arg(100.0 * t.probability, 0, 'f', 1);
    html += "</table><br><b>Every head's top-1</b><table>";
    for (const HeadOutput& h : heads)
      if (!h.top.empty())
        html += QString("<tr><td>head %1 (col %2)</td><td>%3</td><td align='right'>%4%</td></tr>")
                    .arg(h.head)
                    .arg(h.column)
                    .arg(name(h.top[0].index).toHtmlEscaped())
                    .arg(100.0 * h.top[0].probability, 0, 'f', 1);
    html += "</table>";
  }
  predictions_->setHtml(html);
  updateErrorPlot();
  updateAlphaPlot();
  if (pending_cell_column_ >= 0 && pending_cell_column_ < int(result->analysis.columns.size())) {
    explorer_->grid()->setSelected(pending_cell_column_, pending_cell_level_);
    showCell(pending_cell_column_, pending_cell_level_);
    pending_cell_column_ = -1;
  } else if (cell_column_ >= 0 && cell_column_ < int(result->analysis.columns.size())) {
    showCell(cell_column_, cell_level_);
  } else {
    cell_column_ = cell_level_ = -1;  // a model with fewer columns: nothing selected any more
  }
  finishJob();
}

void MainWindow::updateErrorPlot() {
  if (!result_) return;
  const ReconstructionMode mode =
      error_mode_->currentIndex() == 1 ? ReconstructionMode::Chain : ReconstructionMode::Step;
  QVector<widgets::PlotSeries> series;
  for (const Reconstruction& r : result_->analysis.reconstructions) {
    if (r.mode != mode) continue;
    for (int l = 0; l < 4; ++l) {
      widgets::PlotSeries s;
      s.name = QString("c%1 %2").arg(l).arg(r.precision == Precision::Float64 ? "fp64" : "fp32");
      s.color = QColor(kLevelColors[l]);
      s.dashed = r.precision == Precision::Float64;
      for (const ColumnReconstruction& c : r.columns) {
        s.x.push_back(c.target);
        s.y.push_back(c.levels[size_t(l)].rel_l2);
      }
      series.push_back(s);
    }
  }
  error_plot_->setSeries(series, "relative L2 error of the recovered column");
}

void MainWindow::updateAlphaPlot() {
  QVector<widgets::PlotSeries> series;
  for (int l = 0; l < 4; ++l) {
    widgets::PlotSeries s;
    s.name = QString("c%1 mean |alpha|").arg(l);
    s.color = QColor(kLevelColors[l]);
    for (const ColumnAnalysis& c : result_->analysis.columns) {
      s.x.push_back(c.column);
      s.y.push_back(c.alphas[size_t(l)].mean_abs);
    }
    series.push_back(s);
  }
  alpha_plot_->setSeries(series, "learned |alpha| (mean over channels)");
}

void MainWindow::updateErrorOverlay() {
  if (!result_ || !error_overlay_->isChecked() || cell_column_ < 0) {
    input_view_->clearOverlay();
    return;
  }
  const ReconstructionMode mode =
      error_mode_->currentIndex() == 1 ? ReconstructionMode::Chain : ReconstructionMode::Step;
  for (const Reconstruction& r : result_->analysis.reconstructions) {
    if (r.mode != mode || r.precision != Precision::Float32) continue;
    if (cell_column_ >= int(r.columns.size())) break;  // the last column is never recovered
    const FloatArray& map = r.columns[size_t(cell_column_)].levels[size_t(cell_level_)].map;
    if (map.empty()) break;
    float hi = 0;
    for (float v : map.values) hi = std::max(hi, v);
    const QImage img = widgets::renderColormapped(map.values.data(), int(map.shape[1]), int(map.shape[0]), 0.0, hi,
                                                  widgets::Colormap::Magma);
    input_view_->setOverlay(img, 0.6);
    return;
  }
  input_view_->clearOverlay();
}

void MainWindow::showCell(int column, int level) {
  cell_column_ = column;
  cell_level_ = level;
  cell_view_->setImage(explorer_->renderCell(column, level, input_view_->image().width()));
  cell_readout_->setText(QString("column %1, level c%2").arg(column).arg(level));
  if (result_) {
    const FloatArray& f = result_->analysis.columns[size_t(column)].levels[size_t(level)];
    histogram_->setValues(f.values.data(), f.values.size(),
                          QString("activations of column %1, level c%2 (all channels)").arg(column).arg(level));
  }
  updateErrorOverlay();
}

void MainWindow::setDisplayMode(int mode) { explorer_->setMode(mode); }
void MainWindow::setChainMode(bool chain) {
  error_mode_->setCurrentIndex(chain ? 1 : 0);
  error_overlay_->setChecked(true);
}
void MainWindow::selectCellWhenReady(int column, int level) {
  pending_cell_column_ = column;
  pending_cell_level_ = level;
}

QString MainWindow::errorMessage() const { return message_->isVisible() ? message_->text() : QString(); }
QString MainWindow::modelPanelText() const { return model_panel_->toPlainText(); }
QString MainWindow::predictionsText() const { return predictions_->toPlainText(); }

void MainWindow::showError(const QString& message) {
  had_error_ = true;
  message_->setText(message);
  message_->show();
}

void MainWindow::finishJob() {
  pending_ = std::max(0, pending_ - 1);
  if (pending_ == 0) {
    progress_->hide();
    cancel_->hide();
    emit becameIdle();
  }
}

void MainWindow::addRecent(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value("recentFiles").toStringList();
  const QString abs = QFileInfo(path).absoluteFilePath();
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
    recent_menu_->addAction(QFileInfo(path).fileName(), this,
                            [this, path]() { isCheckpoint(path) ? openCheckpoint(path) : void(openImage(path)); });
  recent_menu_->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const QUrl& url : event->mimeData()->urls()) {
    const QString path = url.toLocalFile();
    if (path.isEmpty()) continue;
    isCheckpoint(path) ? openCheckpoint(path) : void(openImage(path));
  }
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings().setValue("window/geometry", saveGeometry());
  QMainWindow::closeEvent(event);
}

}  // namespace revcol::studio
