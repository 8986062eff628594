// MainWindow: File > Export — every view as PNG with a JSON sidecar, and the data behind them.
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QMenu>
#include <QDir>
#include <QSettings>
#include <QStatusBar>
#include <filesystem>

#include "column_explorer.h"
#include "figure.h"
#include "studio_style.h"
#include "disentanglement_panel.h"
#include "main_window.h"
#include "revcol/atomic_file.h"
#include "revcol/error.h"
#include "revcol/result_json.h"
#include "revcol_widgets/color_bar.h"
#include "revcol_widgets/error_plot.h"
#include "revcol_widgets/feature_grid.h"
#include "revcol_widgets/image_view.h"
#include "revcol_widgets/overlay_controls.h"
#include "revcol_widgets/timeline_plot.h"

namespace revcol::studio {
namespace {

QString modeName(int index) { return index == 1 ? "chain" : "step"; }

}  // namespace

void MainWindow::buildExportMenu(QMenu* file) {
  QAction* action = file->addAction("&Export...", QKeySequence("Ctrl+E"), this, [this]() {
    const QString input = result_ ? result_->frame.path : sequence_.path;
    const QString stem =
        exportStem(input, result_ && result_->frame.kind == SourceKind::Video ? result_->frame.index : -1);
    const QString folder = QSettings().value("export/folder", QDir::homePath()).toString();
    ExportDialog dialog(unavailableExports(), folder, stem, this);
    if (dialog.exec() != QDialog::Accepted) return;
    const ExportChoice choice = dialog.choice();
    QSettings().setValue("export/folder", choice.folder);
    const int written = exportChoice(choice);
    if (written > 0)
      statusBar()->showMessage(QString("Exported %1 file(s) to %2").arg(written).arg(choice.folder), 8000);
  });
  action->setToolTip("Write views as figures and the data behind them");
}

QMap<ExportKind, QString> MainWindow::unavailableExports() const {
  QMap<ExportKind, QString> out;
  const QString no_frame = "Nothing analysed yet: open a checkpoint and an input first.";
  for (ExportKind k : allExportKinds()) {
    const bool cka = k == ExportKind::CkaFigure || k == ExportKind::CkaCsv || k == ExportKind::CkaJson;
    if (cka && !cka_panel_->result())
      out[k] = "No CKA yet: compute it in the Disentanglement (CKA) panel first.";
    else if (!cka && !result_)
      out[k] = no_frame;
    else if (k == ExportKind::Timeline && summaries_.isEmpty())
      out[k] = "No timeline: open a video or a folder.";
  }
  return out;
}

int MainWindow::exportChoice(const ExportChoice& choice) {
  if (choice.kinds.isEmpty()) {
    showError("Nothing ticked to export.");
    return 0;
  }
  std::error_code ec;
  std::filesystem::create_directories(choice.folder.toStdString(), ec);
  if (ec) {
    showError(
        QString("Cannot create the export folder %1: %2").arg(choice.folder, QString::fromStdString(ec.message())));
    return 0;
  }
  int written = 0;
  for (ExportKind kind : choice.kinds) {
    if (!exportTo(kind, QDir(choice.folder).filePath(exportFileName(kind, choice.stem)), choice.style)) break;
    ++written;
  }
  return written;
}

std::string MainWindow::preprocessDescription(bool for_task) const {
  const bool whole_frame = for_task && (model_.task == Task::Detection || model_.task == Task::Segmentation);
  if (whole_frame)
    return "whole frame, keep ratio, longer side to " + std::to_string(settings_.dense_long_side) +
           " (area), sides rounded to multiples of 32, ImageNet mean/std";
  if (settings_.warp_size > 0)
    return "warped to " + std::to_string(settings_.warp_size) + " x " + std::to_string(settings_.warp_size) +
           " (Pillow bicubic; none when already that size), ImageNet mean/std";
  return "ImageNet eval: shorter side to " + std::to_string(settings_.classification_size * 256 / 224) +
         " (Pillow bicubic), centre crop " + std::to_string(settings_.classification_size) + ", ImageNet mean/std";
}

ExportProvenance MainWindow::provenance() const {
  ExportProvenance p;
  p.checkpoint_file = model_.info.file;
  if (checkpoint_sha256_.isValid()) p.checkpoint_sha256 = checkpoint_sha256_.result().toStdString();
  p.input = result_->frame.path.toStdString();
  p.frame_index = result_->frame.index;
  p.input_shape = result_->input.shape;
  p.preprocess = preprocessDescription(true);
  return p;
}

bool MainWindow::exportTo(ExportKind kind, const QString& path, const FigureStyle& style) {
  const int scale = std::max(1, style.scale);
  auto titled = [&style](const QString& text) { return style.title ? text : QString(); };
  if (kind == ExportKind::CkaFigure || kind == ExportKind::CkaCsv || kind == ExportKind::CkaJson) {
    const auto job = cka_panel_->result();
    if (!job) {
      showError("No CKA to export yet: compute it in the Disentanglement panel first.");
      return false;
    }
    try {
      ExportProvenance p;
      p.checkpoint_file = model_.info.file;
      if (checkpoint_sha256_.isValid()) p.checkpoint_sha256 = checkpoint_sha256_.result().toStdString();
      p.input = job->request.folder.toStdString();
      p.preprocess = preprocessDescription(false);
      const std::string out = path.toStdString();
      if (kind == ExportKind::CkaFigure) {
        nlohmann::json s = disentanglementJson(*job, p);
        s.erase("figure");
        saveFigure(
            out, composeFigure(cka_panel_->renderImage(), titled("Linear CKA over " + job->request.folder), {}, scale),
            "cka", p, s);
      } else if (kind == ExportKind::CkaCsv) {
        writeFileAtomic(out, disentanglementCsv(job->result));
      } else {
        writeFileAtomic(out, disentanglementJson(*job, p).dump(2) + "\n");
      }
      return true;
    } catch (const std::exception& e) {
      showError(QString::fromStdString(e.what()));
      return false;
    }
  }
  if (!result_) {
    showError("Nothing to export yet: open a checkpoint and an input first.");
    return false;
  }
  try {
    const std::string out = path.toStdString();
    const ExportProvenance p = provenance();
    nlohmann::json display = explorer_->displaySettings();
    switch (kind) {
      case ExportKind::InputView: {
        nlohmann::json overlay = nullptr;
        if (model_.task == Task::Detection || model_.task == Task::Segmentation) {
          nlohmann::json hidden = nlohmann::json::array();
          for (int c = 0; c < int(model_.class_names.size()); ++c)
            if (!overlay_controls_->classShown(c)) hidden.push_back(c);
          overlay = {
              {"task", toString(model_.task)}, {"opacity", overlay_controls_->opacity()}, {"hidden_classes", hidden}};
          if (model_.task == Task::Detection) overlay["score_threshold"] = overlay_controls_->scoreThreshold();
        }
        nlohmann::json error_overlay = nullptr;
        if (error_overlay_->isChecked() && cell_column_ >= 0)
          error_overlay = {{"column", cell_column_},
                           {"level", cell_level_},
                           {"mode", modeName(error_mode_->currentIndex()).toStdString()},
                           {"precision", "fp32"},
                           {"colormap", "magma"},
                           {"range", "0 to the map's maximum"}};
        // What the view shows: the frame, the task's drawing, boxes and labels, the error map.
        const QImage image = input_view_->composedImage();
        QImage bar;
        if (style.color_bar && error_scale_->isVisible() && error_scale_->hasScale())
          bar = widgets::renderColorBar(error_scale_->colormap(), error_scale_->lo(), error_scale_->hi(),
                                        error_scale_->label(), image.width() * scale, false, 14 * scale);
        const QString what = ground_truth_->isChecked() ? "ground truth" : toString(model_.task);
        saveFigure(out,
                   composeFigure(image, titled(QString("%1 (%2)").arg(sequence_.label(position_), what)), bar, scale),
                   "input", p,
                   {{"overlay", overlay},
                    {"error_overlay", error_overlay},
                    {"ground_truth", ground_truth_->isChecked()},
                    {"scale", scale}});
        break;
      }
      case ExportKind::FeatureGrid: {
        nlohmann::json s = display;
        s["layout"] = "rows: levels c0 (1/4) to c3 (1/32) (top to bottom); columns: network columns (left to right)";
        s["scale"] = scale;
        s["color_bars"] = style.color_bar;
        saveFigure(out,
                   composeFigure(explorer_->grid()->render(scale, style.color_bar),
                                 titled(QString("%1: %2").arg(sequence_.label(position_), explorer_->note())), {}, 1),
                   "features", p, s);
        break;
      }
      case ExportKind::SelectedCell: {
        if (cell_column_ < 0) throw Error("no cell selected: click a cell of the column explorer first");
        nlohmann::json s = display;
        s["column"] = cell_column_;
        s["level"] = cell_level_;
        s["level_name"] = levelLabel(cell_level_).toStdString();
        const QImage cell = explorer_->renderCell(cell_column_, cell_level_, 512);
        const CellScale cs = explorer_->cellScale(cell_column_, cell_level_);
        QImage bar;
        if (style.color_bar && cs.colormapped) {
          bar = widgets::renderColorBar(cs.map, cs.lo, cs.hi, cs.quantity, cell.width() * scale, false, 14 * scale);
          s["color_bar"] = {{"lo", cs.lo}, {"hi", cs.hi}};
        }
        saveFigure(
            out,
            composeFigure(
                cell,
                titled(QString("column %1, %2: %3").arg(cell_column_).arg(levelLabel(cell_level_)).arg(cs.quantity)),
                bar, scale),
            "cell", p, s);
        break;
      }
      case ExportKind::ErrorPlot:
        saveFigure(out, error_plot_->render(900 * scale, 520 * scale), "reconstruction_errors", p,
                   {{"mode", modeName(error_mode_->currentIndex()).toStdString()},
                    {"precisions",
                     hasFloat64(*result_) ? nlohmann::json::array({"fp32", "fp64"}) : nlohmann::json::array({"fp32"})},
                    {"y", "relative L2 error of the recovered column (log)"}});
        break;
      case ExportKind::AlphaPlot:
        saveFigure(out, alpha_plot_->render(900 * scale, 520 * scale), "alphas", p,
                   {{"y", "mean |alpha| over channels per level"}});
        break;
      case ExportKind::Timeline:
        saveFigure(out, timeline_->render(1200 * scale, 420 * scale), "timeline", p,
                   {{"frames_analysed", summaries_.size()},
                    {"y", "mean step fp32 reconstruction error per level (log); top-1 confidence (linear)"}});
        break;
      case ExportKind::FeatureArrays: {
        const int n = saveFeatureArrays(out, result_->analysis);
        writeFileAtomic((std::filesystem::path(out) / "provenance.json").string(), provenanceJson(p).dump(2) + "\n");
        statusBar()->showMessage(QString("Wrote %1 arrays to %2").arg(n).arg(path), 5000);
        break;
      }
      case ExportKind::ErrorsCsv:
        writeFileAtomic(out, reconstructionCsv(result_->analysis));
        break;
      case ExportKind::SummaryJson:
        writeFileAtomic(out, analysisSummaryJson(*result_, model_, p).dump(2) + "\n");
        break;
      default:
        break;  // CKA: handled above
    }
    return true;
  } catch (const std::exception& e) {
    showError(QString::fromStdString(e.what()));
    return false;
  }
}

}  // namespace revcol::studio
