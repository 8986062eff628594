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
#include "revcol/error.h"
#include "revcol_widgets/color_bar.h"
#include "revcol_widgets/colormap.h"
#include "revcol_widgets/error_plot.h"
#include "revcol_widgets/feature_grid.h"
#include "revcol_widgets/histogram_view.h"
#include "revcol_widgets/image_view.h"
#include "revcol_widgets/overlay_controls.h"
#include "revcol_widgets/probability_bars.h"

namespace revcol::studio {
namespace {

QColor toQColor(const std::array<uint8_t, 3>& c) { return QColor(c[0], c[1], c[2]); }

}  // namespace

void MainWindow::showResult(std::shared_ptr<const AnalysisJobResult> result) {
  result_ = result;
  setWindowTitle(sequence_.label(position_) + " - RevCol Studio");
  updateGroundTruth();
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
  showDocksForTask();
  ablation_panel_->setBaseline(result);
  const int columns = int(result->analysis.columns.size());
  if (pending_cell_column_ >= 0 && pending_cell_column_ < columns) {
    showCell(pending_cell_column_, pending_cell_level_);
    pending_cell_column_ = -1;
  } else if (cell_column_ >= 0 && cell_column_ < columns) {
    showCell(cell_column_, cell_level_);
  } else if (columns > 0) {
    showCell(0, 0);  // a panel never opens empty: the first cell until the user picks one
  }
}

void MainWindow::showPredictions() {
  const std::vector<std::string>& names = model_.class_names;
  auto name = [&names](int64_t i) {
    return i >= 0 && size_t(i) < names.size() ? QString::fromStdString(names[size_t(i)]) : QString("class %1").arg(i);
  };
  auto classColor = [this](int index) {
    return index >= 0 && size_t(index) < model_.palette.size() ? toQColor(model_.palette[size_t(index)]) : QColor();
  };
  const auto& heads = result_->analysis.heads;
  QVector<widgets::BarRow> top, per_head;
  if (model_.task == Task::Detection) {
    for (const DetectedObject& o : result_->detections) {
      if (o.score < overlay_controls_->scoreThreshold() || !overlay_controls_->classShown(o.label)) continue;
      if (top.size() >= 20) break;
      top.push_back({QString::fromStdString(o.name), o.score, QString::number(o.score, 'f', 2),
                     QString("%1, score %2, box [%3, %4, %5, %6]")
                         .arg(QString::fromStdString(o.name))
                         .arg(o.score, 0, 'f', 3)
                         .arg(o.box[0], 0, 'f', 0)
                         .arg(o.box[1], 0, 'f', 0)
                         .arg(o.box[2], 0, 'f', 0)
                         .arg(o.box[3], 0, 'f', 0),
                     classColor(o.label)});
    }
    top_bars_->setTitle("Detections (score)");
    top_bars_->setRows(top);
    if (top.isEmpty()) top_bars_->setMessage("No detection above the score threshold.");
  } else if (model_.task == Task::Segmentation) {
    for (const ClassShare& c : result_->segmentation.present) {
      if (top.size() >= 20) break;
      top.push_back(
          {QString::fromStdString(c.name), c.share, widgets::formatPercent(c.share),
           QString("%1: %2 of the pixels").arg(QString::fromStdString(c.name), widgets::formatPercent(c.share)),
           classColor(c.index)});
    }
    top_bars_->setTitle("Classes (pixel share)");
    top_bars_->setRows(top);
  } else if (heads.empty()) {
    top_bars_->setTitle({});
    top_bars_->setRows({});
    top_bars_->setMessage("This checkpoint has no classification head.");
  } else {
    // The last head's top-5, then every head's top-1: with intermediate supervision each column
    // has a head, and their certainty grows column by column.
    for (const TopClass& t : heads.back().top)
      top.push_back({name(t.index),
                     t.probability,
                     widgets::formatPercent(t.probability),
                     QString("%1: %2 (last head)").arg(name(t.index), widgets::formatPercent(t.probability)),
                     {}});
    top_bars_->setTitle(QString("Top-%1 (last head)").arg(top.size()));
    top_bars_->setRows(top);
    for (const HeadOutput& h : heads)
      if (!h.top.empty())
        per_head.push_back({QString("col %1: %2").arg(h.column).arg(name(h.top[0].index)), h.top[0].probability,
                            widgets::formatPercent(h.top[0].probability),
                            QString("head %1 on column %2: top-1 %3 at %4")
                                .arg(h.head)
                                .arg(h.column)
                                .arg(name(h.top[0].index), widgets::formatPercent(h.top[0].probability)),
                            QColor("#6b21a8")});
  }
  head_bars_->setTitle(per_head.size() > 1 ? "Top-1 of each column's head" : QString());
  head_bars_->setRows(per_head.size() > 1 ? per_head : QVector<widgets::BarRow>{});
  head_bars_->setVisible(per_head.size() > 1);
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
      e.color = label >= 0 && size_t(label) < model_.palette.size() ? toQColor(model_.palette[size_t(label)])
                                                                    : toQColor(detectionClassColor(label));
      e.detail = QString("%1, best %2").arg(stats.first).arg(stats.second, 0, 'f', 2);
      entries.push_back(e);
    }
  } else if (model_.task == Task::Segmentation) {
    // The legend lists what is drawn: the ground truth's classes while it is shown.
    std::vector<ClassShare> present = result_->segmentation.present;
    if (ground_truth_->isChecked() && ground_truth_data_ && !ground_truth_data_->label_map.empty()) {
      const cv::Mat& map = ground_truth_data_->label_map;
      std::map<int, int64_t> pixels;
      for (int y = 0; y < map.rows; ++y)
        for (int x = 0; x < map.cols; ++x)
          pixels[map.type() == CV_16U ? int(map.at<uint16_t>(y, x)) : int(map.at<uint8_t>(y, x))] += 1;
      present.clear();
      for (const auto& [index, count] : pixels)
        present.push_back({index,
                           size_t(index) < model_.class_names.size() ? model_.class_names[size_t(index)]
                                                                     : "class " + std::to_string(index),
                           count, double(count) / double(map.total())});
      std::sort(present.begin(), present.end(),
                [](const ClassShare& a, const ClassShare& b) { return a.share > b.share; });
    }
    for (const ClassShare& c : present) {
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
  const bool truth = ground_truth_->isChecked() && ground_truth_data_.has_value();
  QVector<widgets::BoxAnnotation> boxes;
  if (model_.task == Task::Detection) {
    if (truth) {
      for (const GroundTruthObject& o : ground_truth_data_->objects)
        boxes.push_back({QRectF(QPointF(o.box[0], o.box[1]), QPointF(o.box[2], o.box[3])), QColor(255, 255, 255),
                         QString::fromStdString(o.name) + " (truth)", true});
      input_view_->setImage(toQImage(result_->frame_rgb));
    } else {
      std::vector<DetectedObject> shown;
      for (const DetectedObject& o : result_->detections)
        if (o.score >= overlay_controls_->scoreThreshold() && overlay_controls_->classShown(o.label)) {
          shown.push_back(o);
          const QColor c = o.label >= 0 && size_t(o.label) < model_.palette.size()
                               ? toQColor(model_.palette[size_t(o.label)])
                               : toQColor(detectionClassColor(o.label));
          boxes.push_back({QRectF(QPointF(o.box[0], o.box[1]), QPointF(o.box[2], o.box[3])), c,
                           QString("%1 %2").arg(QString::fromStdString(o.name)).arg(o.score, 0, 'f', 2), false});
        }
      input_view_->setImage(toQImage(drawDetectionMasks(result_->frame_rgb, shown, model_.palette, opacity)));
    }
    showPredictions();
  } else if (model_.task == Task::Segmentation && !result_->segmentation.labels.empty()) {
    const bool truth_map = truth && !ground_truth_data_->label_map.empty() &&
                           ground_truth_data_->label_map.size() == result_->segmentation.labels.size();
    const cv::Mat& labels = truth_map ? ground_truth_data_->label_map : result_->segmentation.labels;
    cv::Mat colour = colorizeLabels(labels, model_.palette), blended;
    cv::addWeighted(result_->frame_rgb, 1.0 - opacity, colour, opacity, 0.0, blended);
    // Unticked classes show the frame itself.
    cv::Mat hidden = cv::Mat::zeros(labels.size(), CV_8U), is_class;
    for (int c = 0; c < int(model_.class_names.size()); ++c)
      if (!overlay_controls_->classShown(c)) {
        cv::compare(labels, c, is_class, cv::CMP_EQ);
        hidden |= is_class;
      }
    result_->frame_rgb.copyTo(blended, hidden);
    input_view_->setImage(toQImage(blended));
  } else {
    // Classification: what the network saw (the preprocessed crop), so feature maps line up.
    const cv::Mat seen = denormalizeToRgb(result_->input, {0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f});
    input_view_->setImage(toQImage(seen));
  }
  input_view_->setAnnotations(boxes);
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
  // Both plots run over every column, so a column sits at one x in both.
  const double columns = double(result_->analysis.columns.size());
  error_plot_->setXRange(-0.5, columns - 0.5);
  error_plot_->setTitle(
      QString("Recovered column's error (%1)").arg(mode == ReconstructionMode::Chain ? "chain" : "step"));
  error_plot_->setSeries(series, "relative L2 error");
}

void MainWindow::updateAlphaPlot() {
  QVector<widgets::PlotSeries> series;
  for (int l = 0; l < 4; ++l) {
    widgets::PlotSeries s;
    s.name = levelLabel(l);
    s.color = levelColor(l);
    for (const ColumnAnalysis& c : result_->analysis.columns) {
      s.x.push_back(c.column);
      s.y.push_back(c.alphas[size_t(l)].mean_abs);
    }
    series.push_back(s);
  }
  alpha_plot_->setXRange(-0.5, double(result_->analysis.columns.size()) - 0.5);
  alpha_plot_->setTitle("Learned |alpha| per level");
  alpha_plot_->setSeries(series, "mean |alpha|");
}

void MainWindow::updateErrorOverlay() {
  auto none = [this](const QString& why) {
    input_view_->clearOverlay();
    if (why.isEmpty()) {
      error_scale_->hide();
    } else {
      error_scale_->clear(why);
      error_scale_->show();
    }
  };
  if (!result_ || !error_overlay_->isChecked() || cell_column_ < 0) return none({});
  const ReconstructionMode mode =
      error_mode_->currentIndex() == 1 ? ReconstructionMode::Chain : ReconstructionMode::Step;
  for (const Reconstruction& r : result_->analysis.reconstructions) {
    if (r.mode != mode || r.precision != Precision::Float32) continue;
    if (cell_column_ >= int(r.columns.size()))
      return none(QString("Column %1 is the last: nothing to invert it from, so no error map.").arg(cell_column_));
    const FloatArray& map = r.columns[size_t(cell_column_)].levels[size_t(cell_level_)].map;
    if (map.empty()) break;
    float hi = 0;
    for (float v : map.values) hi = std::max(hi, v);
    const QImage img = widgets::renderColormapped(map.values.data(), int(map.shape[1]), int(map.shape[0]), 0.0, hi,
                                                  widgets::Colormap::Magma);
    input_view_->setOverlay(img, 0.6);
    error_scale_->setScale(widgets::Colormap::Magma, 0.0, hi,
                           QString("%1 error, col %2 %3")
                               .arg(mode == ReconstructionMode::Chain ? "chain" : "step")
                               .arg(cell_column_)
                               .arg(levelLabel(cell_level_)));
    error_scale_->setToolTip(
        "The selected cell's reconstruction error over the input: |recovered - true| of each feature pixel, averaged "
        "over the channels, float32; magma from 0 to the map's largest value.");
    error_scale_->show();
    return;
  }
  none({});
}

void MainWindow::showCell(int column, int level) {
  cell_column_ = column;
  cell_level_ = level;
  explorer_->grid()->setSelected(column, level);
  cell_view_->setImage(explorer_->renderCell(column, level, input_view_->image().width()));
  cell_readout_->setText(QString("column %1, %2: hover for values").arg(column).arg(levelLabel(level)));
  const CellScale scale = explorer_->cellScale(column, level);
  if (scale.colormapped)
    cell_scale_->setScale(scale.map, scale.lo, scale.hi, scale.quantity);
  else
    cell_scale_->clear(scale.quantity.isEmpty() ? QString("nothing drawn")
                                                : QString("%1: RGB, no single scale").arg(scale.quantity));
  if (result_ && column < int(result_->analysis.columns.size())) {
    const FloatArray& f = result_->analysis.columns[size_t(column)].levels[size_t(level)];
    histogram_->setValues(f.values.data(), f.values.size(),
                          QString("activations, all %1 channels").arg(f.shape.empty() ? 0 : f.shape[0]));
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
  const std::vector<int> columns = decoderColumns(model_.info.architecture);
  QStringList labels = {"input"};
  for (size_t k = 0; k < images.size(); ++k)
    labels << QString("decoder %1 (from col %2)").arg(k).arg(k < columns.size() ? columns[k] : -1);
  if (decoders_->columns() != int(images.size()) + 1) decoders_->setShape(int(images.size()) + 1, 1, {"image"});
  decoders_->setColumnLabels(labels);
  decoders_->setCell(0, 0, toQImage(denormalizeToRgb(result_->input, mean, std)));
  for (size_t k = 0; k < images.size(); ++k)
    decoders_->setCell(int(k) + 1, 0, toQImage(denormalizeToRgb(images[k], mean, std)));
}

void MainWindow::updateGroundTruth() {
  const QString file = result_ && result_->frame.kind != SourceKind::Video ? result_->frame.path : QString();
  if (file == ground_truth_for_) return;
  ground_truth_for_ = file;
  ground_truth_data_.reset();
  if (!file.isEmpty() && (model_.task == Task::Detection || model_.task == Task::Segmentation)) {
    try {
      ground_truth_data_ = findGroundTruth(file.toStdString());
    } catch (const Error& e) {
      showError(QString::fromStdString(e.what()));
    }
  }
  const bool usable = ground_truth_data_ && (model_.task == Task::Segmentation ? !ground_truth_data_->label_map.empty()
                                                                               : !ground_truth_data_->objects.empty());
  if (!usable) ground_truth_data_.reset();
  ground_truth_->setEnabled(usable);
  QString shown_file;  // the file the tick draws from: the label map, or the COCO annotations
  if (usable)
    for (const QString& f : QString::fromStdString(ground_truth_data_->source).split(", "))
      if (f.endsWith("_labels.png") == (model_.task == Task::Segmentation)) shown_file = QFileInfo(f).fileName();
  ground_truth_->setText(usable ? QString("Show the ground truth (%1)").arg(shown_file)
                                : QString("Show the ground truth"));
  ground_truth_->setToolTip(usable ? "Draw the ground truth found beside the input instead of the prediction: " +
                                         QString::fromStdString(ground_truth_data_->source)
                                   : "No ground truth beside this input (NAME_labels.png or a COCO annotations.json).");
}

bool MainWindow::groundTruthAvailable() const { return ground_truth_data_.has_value(); }

void MainWindow::setGroundTruthShown(bool shown) { ground_truth_->setChecked(shown && ground_truth_->isEnabled()); }

}  // namespace revcol::studio
