// MainWindow: showing one analysed frame — the input with the task's overlay, predictions, column
// explorer, reconstruction and alpha plots, and the selected cell.
#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QTextBrowser>
#include <algorithm>
#include <map>
#include <opencv2/imgproc.hpp>

#include "ablation_panel.h"
#include "column_explorer.h"
#include "main_window.h"
#include "studio_style.h"
#include "revcol/colorize.h"
#include "revcol_widgets/colormap.h"
#include "revcol_widgets/error_plot.h"
#include "revcol_widgets/feature_grid.h"
#include "revcol_widgets/histogram_view.h"
#include "revcol_widgets/image_view.h"
#include "revcol_widgets/overlay_controls.h"

namespace revcol::studio {
namespace {

QColor toQColor(const std::array<uint8_t, 3>& c) { return QColor(c[0], c[1], c[2]); }

}  // namespace

void MainWindow::showResult(std::shared_ptr<const AnalysisJobResult> result) {
  result_ = result;
  setWindowTitle(sequence_.label(position_) + " - RevCol Studio");
  updateOverlayLegend();
  updateInputImage();
  explorer_->setResult(result);
  QString time = QString("analysis %1 ms").arg(result->milliseconds - result->task_milliseconds, 0, 'f', 0);
  if (model_.task == Task::Detection || model_.task == Task::Segmentation)
    time += QString(", %1 %2 ms").arg(toString(model_.task)).arg(result->task_milliseconds, 0, 'f', 0);
  if (result->float64_milliseconds > 0)
    time += QString(", float64 reconstruction %1 ms").arg(result->float64_milliseconds, 0, 'f', 0);
  status_time_->setText(time);
  showPredictions();
  updateErrorPlot();
  updateAlphaPlot();
  updateDecoders();
  ablation_panel_->setBaseline(result);
  const int columns = int(result->analysis.columns.size());
  if (pending_cell_column_ >= 0 && pending_cell_column_ < columns) {
    explorer_->grid()->setSelected(pending_cell_column_, pending_cell_level_);
    showCell(pending_cell_column_, pending_cell_level_);
    pending_cell_column_ = -1;
  } else if (cell_column_ >= 0 && cell_column_ < columns) {
    showCell(cell_column_, cell_level_);
  } else {
    cell_column_ = cell_level_ = -1;  // a model with fewer columns: nothing selected any more
  }
}

void MainWindow::showPredictions() {
  const std::vector<std::string>& names = model_.class_names;
  auto name = [&names](int64_t i) {
    return i >= 0 && size_t(i) < names.size() ? QString::fromStdString(names[size_t(i)]) : QString("class %1").arg(i);
  };
  const auto& heads = result_->analysis.heads;
  QString html;
  if (model_.task == Task::Detection) {
    int shown = 0;
    html += "<b>Detections</b> (score &ge; threshold, classes ticked)<table width='100%'>";
    for (const DetectedObject& o : result_->detections) {
      if (o.score < overlay_controls_->scoreThreshold() || !overlay_controls_->classShown(o.label)) continue;
      if (++shown > 20) break;
      html += QString("<tr><td>%1</td><td align='right'>%2</td><td>[%3, %4, %5, %6]</td></tr>")
                  .arg(QString::fromStdString(o.name).toHtmlEscaped())
                  .arg(o.score, 0, 'f', 3)
                  .arg(o.box[0], 0, 'f', 0)
                  .arg(o.box[1], 0, 'f', 0)
                  .arg(o.box[2], 0, 'f', 0)
                  .arg(o.box[3], 0, 'f', 0);
    }
    html += "</table>";
    if (shown == 0) html += "<i>No detection above the threshold.</i>";
  } else if (model_.task == Task::Segmentation) {
    html += "<b>Classes present</b><table width='100%'>";
    int shown = 0;
    for (const ClassShare& c : result_->segmentation.present) {
      if (++shown > 20) break;
      html += QString(
                  "<tr><td>%1</td><td width='45%'><div style='background:#3b82f6; width:%2%;'>&nbsp;</div></td><td "
                  "align='right'>%3%</td></tr>")
                  .arg(QString::fromStdString(c.name).toHtmlEscaped())
                  .arg(std::max(1, int(c.share * 100)))
                  .arg(100.0 * c.share, 0, 'f', 1);
    }
    html += "</table>";
  } else if (heads.empty()) {
    html = "<i>This checkpoint has no classification head.</i>";
  } else {
    // The last head's top-5 with bars, then every head's top-1 (intermediate supervision).
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
}

void MainWindow::updateOverlayLegend() {
  QVector<widgets::LegendEntry> entries;
  if (model_.task == Task::Detection) {
    std::map<int, std::pair<int, float>> per_class;  // label -> (count, best score)
    for (const DetectedObject& o : result_->detections) {
      auto& e = per_class[o.label];
      e.first += 1;
      e.second = std::max(e.second, o.score);
    }
    for (const auto& [label, stats] : per_class) {
      widgets::LegendEntry e;
      e.index = label;
      e.name = size_t(label) < model_.class_names.size() ? QString::fromStdString(model_.class_names[size_t(label)])
                                                         : QString("class %1").arg(label);
      e.color = toQColor(detectionClassColor(label));
      e.detail = QString("%1, best %2").arg(stats.first).arg(stats.second, 0, 'f', 2);
      entries.push_back(e);
    }
  } else if (model_.task == Task::Segmentation) {
    for (const ClassShare& c : result_->segmentation.present) {
      widgets::LegendEntry e;
      e.index = c.index;
      e.name = QString::fromStdString(c.name);
      if (size_t(c.index) < model_.palette.size()) e.color = toQColor(model_.palette[size_t(c.index)]);
      e.detail = QString("%1 %").arg(100.0 * c.share, 0, 'f', 1);
      entries.push_back(e);
    }
  }
  overlay_controls_->setEntries(entries);
}

void MainWindow::updateInputImage() {
  if (!result_) return;
  const double opacity = overlay_controls_->opacity();
  if (model_.task == Task::Detection) {
    std::vector<DetectedObject> shown;
    for (const DetectedObject& o : result_->detections)
      if (o.score >= overlay_controls_->scoreThreshold() && overlay_controls_->classShown(o.label)) shown.push_back(o);
    input_view_->setImage(toQImage(drawDetections(result_->frame_rgb, shown, opacity)));
    showPredictions();
  } else if (model_.task == Task::Segmentation && !result_->segmentation.labels.empty()) {
    const cv::Mat& labels = result_->segmentation.labels;
    cv::Mat colour = colorizeLabels(labels, model_.palette), blended;
    cv::addWeighted(result_->frame_rgb, 1.0 - opacity, colour, opacity, 0.0, blended);
    // Unticked classes show the frame itself.
    cv::Mat hidden = cv::Mat::zeros(labels.size(), CV_8U), is_class;
    for (const ClassShare& c : result_->segmentation.present)
      if (!overlay_controls_->classShown(c.index)) {
        cv::compare(labels, c.index, is_class, cv::CMP_EQ);
        hidden |= is_class;
      }
    result_->frame_rgb.copyTo(blended, hidden);
    input_view_->setImage(toQImage(blended));
  } else {
    // Classification: what the network saw (the preprocessed crop), so feature maps line up.
    const cv::Mat seen = denormalizeToRgb(result_->input, {0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f});
    input_view_->setImage(toQImage(seen));
  }
  updateErrorOverlay();
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
      s.color = levelColor(l);
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
    s.color = levelColor(l);
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

void MainWindow::updateDecoders() {
  // The input beside what each intermediate-supervision decoder rebuilds from its column's c3.
  const auto& images = result_->analysis.decoder_images;
  if (images.empty()) {
    decoders_->setShape(0, 0, {});
    return;
  }
  const std::array<float, 3> mean = {0.485f, 0.456f, 0.406f}, std = {0.229f, 0.224f, 0.225f};
  decoders_->setShape(int(images.size()) + 1, 1, {"image"});
  decoders_->setCell(0, 0, toQImage(denormalizeToRgb(result_->input, mean, std)), "input");
  const std::vector<int> columns = decoderColumns(model_.info.architecture);
  for (size_t k = 0; k < images.size(); ++k)
    decoders_->setCell(int(k) + 1, 0, toQImage(denormalizeToRgb(images[k], mean, std)),
                       QString("decoder %1 (col %2)").arg(k).arg(k < columns.size() ? columns[k] : -1));
}

}  // namespace revcol::studio
