// MainWindow: File > Export — every view as PNG with a JSON sidecar, and the data behind them.
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QMenu>
#include <QStatusBar>
#include <filesystem>

#include "column_explorer.h"
#include "disentanglement_panel.h"
#include "main_window.h"
#include "revcol/atomic_file.h"
#include "revcol/error.h"
#include "revcol/result_json.h"
#include "revcol_widgets/error_plot.h"
#include "revcol_widgets/feature_grid.h"
#include "revcol_widgets/image_view.h"
#include "revcol_widgets/overlay_controls.h"
#include "revcol_widgets/timeline_plot.h"

namespace revcol::studio {
namespace {

struct ExportEntry {
  ExportKind kind;
  const char* menu;
  const char* filter;  // "" for a folder
  const char* default_name;
};

const ExportEntry kExports[] = {
    {ExportKind::InputView, "Input View as PNG...", "PNG images (*.png)", "input.png"},
    {ExportKind::FeatureGrid, "Feature Grid as PNG...", "PNG images (*.png)", "features.png"},
    {ExportKind::SelectedCell, "Selected Cell as PNG...", "PNG images (*.png)", "cell.png"},
    {ExportKind::ErrorPlot, "Reconstruction Error Plot as PNG...", "PNG images (*.png)", "errors.png"},
    {ExportKind::AlphaPlot, "Alpha Plot as PNG...", "PNG images (*.png)", "alphas.png"},
    {ExportKind::Timeline, "Timeline as PNG...", "PNG images (*.png)", "timeline.png"},
    {ExportKind::FeatureArrays, "All Feature Maps as .npy...", "", "raw"},
    {ExportKind::ErrorsCsv, "Reconstruction Errors as CSV...", "CSV files (*.csv)", "errors.csv"},
    {ExportKind::SummaryJson, "Analysis Summary as JSON...", "JSON files (*.json)", "summary.json"},
    {ExportKind::CkaFigure, "CKA Heat Maps as PNG...", "PNG images (*.png)", "cka.png"},
    {ExportKind::CkaCsv, "CKA as CSV...", "CSV files (*.csv)", "cka.csv"},
    {ExportKind::CkaJson, "CKA as JSON...", "JSON files (*.json)", "cka_values.json"},
};

QString modeName(int index) { return index == 1 ? "chain" : "step"; }

}  // namespace

void MainWindow::buildExportMenu(QMenu* file) {
  QMenu* menu = file->addMenu("&Export");
  for (const ExportEntry& e : kExports)
    menu->addAction(e.menu, this, [this, kind = e.kind]() { exportWithDialog(kind); });
}

void MainWindow::exportWithDialog(ExportKind kind) {
  for (const ExportEntry& e : kExports) {
    if (e.kind != kind) continue;
    const QString start = QString::fromStdString(e.default_name);
    const QString path = QString(e.filter).isEmpty() ? QFileDialog::getExistingDirectory(this, e.menu)
                                                     : QFileDialog::getSaveFileName(this, e.menu, start, e.filter);
    if (!path.isEmpty() && exportTo(kind, path)) statusBar()->showMessage("Exported " + path, 5000);
  }
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

bool MainWindow::exportTo(ExportKind kind, const QString& path) {
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
        saveFigure(out, cka_panel_->renderImage(), "cka", p, s);
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
        QImage image = input_view_->image();
        if (error_overlay_->isChecked()) image = input_view_->composedImage();
        saveFigure(out, image, "input", p, {{"overlay", overlay}, {"error_overlay", error_overlay}});
        break;
      }
      case ExportKind::FeatureGrid: {
        nlohmann::json s = display;
        s["layout"] = "rows: levels c0-c3 (top to bottom); columns: network columns (left to right)";
        s["caption"] = "step fp32 relative reconstruction error of the cell's column";
        saveFigure(out, explorer_->grid()->grab().toImage(), "features", p, s);
        break;
      }
      case ExportKind::SelectedCell: {
        if (cell_column_ < 0) throw Error("no cell selected: click a cell of the column explorer first");
        nlohmann::json s = display;
        s["column"] = cell_column_;
        s["level"] = cell_level_;
        saveFigure(out, explorer_->renderCell(cell_column_, cell_level_, 512), "cell", p, s);
        break;
      }
      case ExportKind::ErrorPlot:
        saveFigure(out, error_plot_->render(900, 520), "reconstruction_errors", p,
                   {{"mode", modeName(error_mode_->currentIndex()).toStdString()},
                    {"precisions",
                     hasFloat64(*result_) ? nlohmann::json::array({"fp32", "fp64"}) : nlohmann::json::array({"fp32"})},
                    {"y", "relative L2 error of the recovered column (log)"}});
        break;
      case ExportKind::AlphaPlot:
        saveFigure(out, alpha_plot_->render(900, 520), "alphas", p, {{"y", "mean |alpha| over channels per level"}});
        break;
      case ExportKind::Timeline:
        saveFigure(out, timeline_->render(1200, 420), "timeline", p,
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
