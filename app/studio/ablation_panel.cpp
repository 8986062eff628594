#include "ablation_panel.h"
#include "studio_style.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "revcol_widgets/image_view.h"

namespace revcol::studio {
namespace {

constexpr float kShownScore = 0.3f;  // detections listed and drawn in the comparison

QString nameOf(const LoadedModel& m, int64_t index) {
  return index >= 0 && size_t(index) < m.class_names.size() ? QString::fromStdString(m.class_names[size_t(index)])
                                                            : QString("class %1").arg(index);
}

QString topText(const LoadedModel& m, const TopClass& t) {
  return QString("%1 %2%").arg(nameOf(m, t.index).toHtmlEscaped()).arg(100.0 * t.probability, 0, 'f', 1);
}

QString row(const QString& a, const QString& b, const QString& c) {
  return "<tr><td>" + a + "</td><td>" + b + "</td><td>" + c + "</td></tr>";
}

QString header(const QString& first) {
  return "<table cellspacing='6'><tr><th align='left'>" + first +
         "</th><th align='left'>unmodified</th><th align='left'>ablated</th></tr>";
}

std::vector<const DetectedObject*> shown(const std::vector<DetectedObject>& objects) {
  std::vector<const DetectedObject*> out;
  for (const DetectedObject& o : objects)
    if (o.score >= kShownScore) out.push_back(&o);
  return out;
}

}  // namespace

QString ablationComparisonHtml(const LoadedModel& m, const AnalysisJobResult& base, const AblationJobResult& abl) {
  QString html = QString("<b>%1</b> (%2 ms)<br>")
                     .arg(QString::fromStdString(describe(abl.ablation)).toHtmlEscaped())
                     .arg(abl.milliseconds, 0, 'f', 0);
  const auto& heads = base.analysis.heads;
  if (!heads.empty()) {
    html += "<b>Classification: every head's top-1</b>" + header("head (column)");
    for (const HeadOutput& h : heads) {
      const HeadOutput* a = nullptr;
      for (const HeadOutput& x : abl.heads)
        if (x.head == h.head) a = &x;
      html += row(QString("head %1 (col %2)").arg(h.head).arg(h.column), h.top.empty() ? "" : topText(m, h.top[0]),
                  a == nullptr     ? "<i>not run</i>"
                  : a->top.empty() ? ""
                                   : topText(m, a->top[0]));
    }
    html += "</table>";
    if (!abl.heads.empty()) {
      const HeadOutput& b = heads.back();
      const HeadOutput& a = abl.heads.back();
      html += QString("<b>Top-5: head %1 unmodified, head %2 ablated</b>").arg(b.head).arg(a.head) + header("rank");
      for (size_t k = 0; k < std::max(b.top.size(), a.top.size()); ++k)
        html += row(QString::number(k + 1), k < b.top.size() ? topText(m, b.top[k]) : "",
                    k < a.top.size() ? topText(m, a.top[k]) : "");
      html += "</table>";
    }
  }
  if (m.task == Task::Detection) {
    const auto b = shown(base.detections), a = shown(abl.detections);
    html += QString("<b>Detections with score &ge; %1</b>").arg(kShownScore, 0, 'f', 1) + header("rank");
    html += row("count", QString::number(b.size()), QString::number(a.size()));
    for (size_t k = 0; k < std::min<size_t>(10, std::max(b.size(), a.size())); ++k) {
      auto text = [&m](const DetectedObject* o) {
        return QString("%1 %2").arg(nameOf(m, o->label).toHtmlEscaped()).arg(o->score, 0, 'f', 2);
      };
      html += row(QString::number(k + 1), k < b.size() ? text(b[k]) : "", k < a.size() ? text(a[k]) : "");
    }
    html += "</table>";
  }
  if (m.task == Task::Segmentation && !abl.segmentation.labels.empty() && !base.segmentation.labels.empty()) {
    const cv::Mat& x = base.segmentation.labels;
    const cv::Mat& y = abl.segmentation.labels;
    const double agree = x.size() == y.size() ? 1.0 - double(cv::countNonZero(x != y)) / double(x.total()) : 0.0;
    html += QString("<b>Segmentation</b>: %1% of the pixels keep their class").arg(100.0 * agree, 0, 'f', 2) +
            header("rank");
    const auto& pb = base.segmentation.present;
    const auto& pa = abl.segmentation.present;
    for (size_t k = 0; k < std::min<size_t>(10, std::max(pb.size(), pa.size())); ++k) {
      auto text = [](const ClassShare& c) {
        return QString("%1 %2%").arg(QString::fromStdString(c.name).toHtmlEscaped()).arg(100.0 * c.share, 0, 'f', 1);
      };
      html += row(QString::number(k + 1), k < pb.size() ? text(pb[k]) : "", k < pa.size() ? text(pa[k]) : "");
    }
    html += "</table>";
  }
  if (heads.empty() && m.task != Task::Detection && m.task != Task::Segmentation)
    html += "<i>This checkpoint has no head to compare.</i>";
  return html;
}

AblationPanel::AblationPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout;
  kind_ = new QComboBox(this);
  kind_->addItems({"stop after column", "zero a level of column", "mean-out a level of column"});
  kind_->setToolTip(
      "The intervention: stop the backbone after a column (later heads do not run), or replace one column's "
      "level by zeros or by its mean before the next column reads it");
  column_ = new QSpinBox(this);
  column_->setPrefix("column ");
  column_->setToolTip("The column the intervention applies to");
  level_ = new QSpinBox(this);
  level_->setRange(0, 3);
  level_->setPrefix("level c");
  level_->setToolTip("The level zeroed or mean-out (c0 at 1/4 of the input ... c3 at 1/32)");
  run_ = new QPushButton("Run on this frame", this);
  run_->setEnabled(false);
  run_->setToolTip("Run the shown frame again with the intervention and compare with the unmodified result");
  controls->addWidget(kind_);
  controls->addWidget(column_);
  controls->addWidget(level_);
  controls->addWidget(run_);
  controls->addStretch(1);
  layout->addLayout(controls);
  auto* split = new QSplitter(Qt::Horizontal, this);
  comparison_ = new QTextBrowser(split);
  comparison_->setHtml("<i>Choose an intervention and run it to compare with the unmodified predictions.</i>");
  image_ = new widgets::ImageView(split);
  image_->hide();
  image_->setToolTip("The detections or label map with the intervention applied");
  comparison_->setToolTip("Every head's predictions with the intervention beside the unmodified ones");
  split->addWidget(comparison_);
  split->addWidget(image_);
  layout->addWidget(split, 1);
  connect(kind_, &QComboBox::currentIndexChanged, this, [this](int k) { level_->setEnabled(k != 0); });
  level_->setEnabled(false);
  connect(run_, &QPushButton::clicked, this, [this]() { emit runRequested(ablation()); });
}

void AblationPanel::setModel(const LoadedModel& model) {
  model_ = model;
  column_->setRange(0, std::max(0, model.info.architecture.columns - 1));
  column_->setValue(std::max(0, model.info.architecture.columns - 2));
  ablated_.reset();
  refresh();
}

void AblationPanel::setBaseline(std::shared_ptr<const AnalysisJobResult> baseline) {
  baseline_ = std::move(baseline);
  if (ablated_ && (!baseline_ || ablated_->frame.key() != baseline_->frame.key() || baseline_->frame.key().isEmpty()))
    ablated_.reset();
  run_->setEnabled(baseline_ != nullptr);
  refresh();
}

void AblationPanel::setAblated(std::shared_ptr<const AblationJobResult> ablated) {
  ablated_ = std::move(ablated);
  refresh();
}

void AblationPanel::setAblation(const Ablation& a) {
  kind_->setCurrentIndex(a.kind == Ablation::Kind::ZeroLevel ? 1 : a.kind == Ablation::Kind::MeanLevel ? 2 : 0);
  column_->setValue(a.column);
  level_->setValue(a.level);
}

Ablation AblationPanel::ablation() const {
  Ablation a;
  a.kind = kind_->currentIndex() == 1   ? Ablation::Kind::ZeroLevel
           : kind_->currentIndex() == 2 ? Ablation::Kind::MeanLevel
                                        : Ablation::Kind::StopAfterColumn;
  a.column = column_->value();
  a.level = level_->value();
  return a;
}

QString AblationPanel::comparisonText() const { return comparison_->toPlainText(); }
const QImage& AblationPanel::ablatedImage() const { return image_->image(); }

void AblationPanel::refresh() {
  if (!baseline_ || !ablated_) {
    image_->hide();
    if (!ablated_)
      comparison_->setHtml("<i>Choose an intervention and run it to compare with the unmodified predictions.</i>");
    return;
  }
  comparison_->setHtml(ablationComparisonHtml(model_, *baseline_, *ablated_));
  // Detection and segmentation: the ablated predictions drawn over the frame.
  if (model_.task == Task::Detection) {
    std::vector<DetectedObject> objects;
    for (const DetectedObject& o : ablated_->detections)
      if (o.score >= kShownScore) objects.push_back(o);
    image_->setImage(toQImage(drawDetections(baseline_->frame_rgb, objects)));
    image_->show();
  } else if (model_.task == Task::Segmentation && !ablated_->segmentation.labels.empty()) {
    cv::Mat blended;
    cv::addWeighted(baseline_->frame_rgb, 0.5, colorizeLabels(ablated_->segmentation.labels, model_.palette), 0.5, 0.0,
                    blended);
    image_->setImage(toQImage(blended));
    image_->show();
  } else {
    image_->hide();
  }
}

}  // namespace revcol::studio
