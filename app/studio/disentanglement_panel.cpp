#include "disentanglement_panel.h"
#include "studio_style.h"

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMap>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <filesystem>

#include "revcol/error.h"
#include "revcol/frame_source.h"
#include "revcol_widgets/heatmap_view.h"

namespace revcol::studio {
namespace {

// Two heat maps as one figure, on white.
QImage sideBySide(const QImage& a, const QImage& b) {
  QImage out(a.width() + b.width(), std::max(a.height(), b.height()), QImage::Format_RGB32);
  out.fill(Qt::white);
  QPainter p(&out);
  p.drawImage(0, 0, a);
  p.drawImage(a.width(), 0, b);
  return out;
}

}  // namespace

CkaRequest ckaRequestForFolder(const QString& folder, bool labels_from_subfolders, int max_images) {
  CkaRequest r;
  r.folder = folder;
  const std::vector<std::string> files = listImageFiles(folder.toStdString(), labels_from_subfolders);
  if (files.empty()) throw Error("the folder " + folder.toStdString() + " holds no images");
  QMap<QString, qint64> classes;  // sorted sub-folder names -> label
  std::vector<QString> class_of(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    const std::filesystem::path rel = std::filesystem::path(files[i]).lexically_relative(folder.toStdString());
    if (labels_from_subfolders && std::distance(rel.begin(), rel.end()) > 1) {
      class_of[i] = QString::fromStdString(rel.begin()->string());
      classes.insert(class_of[i], 0);
    }
  }
  qint64 next = 0;
  for (auto it = classes.begin(); it != classes.end(); ++it) {
    it.value() = next++;
    r.label_names << it.key();
  }
  const size_t n = files.size(), keep = std::min(n, size_t(std::max(4, max_images)));
  for (size_t k = 0; k < keep; ++k) {
    const size_t i = k * n / keep;  // evenly spaced, first file always in
    r.files << QString::fromStdString(files[i]);
    r.labels << (class_of[i].isEmpty() ? -1 : classes.value(class_of[i]));
  }
  return r;
}

DisentanglementPanel::DisentanglementPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout;
  compute_ = new QPushButton("Compute CKA over a folder...", this);
  labels_ = new QCheckBox("class sub-folders are labels", this);
  labels_->setChecked(true);
  compute_->setToolTip(
      "Choose a folder of images: the linear CKA of every column and level against the pixels and the labels");
  labels_->setToolTip("Each sub-folder of the chosen folder is one class (the labels CKA is measured against)");
  max_images_ = new QSpinBox(this);
  max_images_->setRange(4, 4096);
  max_images_->setValue(128);
  max_images_->setPrefix("at most ");
  max_images_->setSuffix(" images");
  max_images_->setToolTip("A larger folder is subsampled evenly to this many images (memory grows with it)");
  controls->addWidget(compute_);
  controls->addWidget(labels_);
  controls->addWidget(max_images_);
  controls->addStretch(1);
  layout->addLayout(controls);
  status_ = new QLabel("CKA needs at least 4 images; labels need at least 2 classes.", this);
  status_->setWordWrap(true);
  layout->addWidget(status_);
  auto* maps = new QHBoxLayout;
  vs_input_ = new widgets::HeatmapView(this);
  vs_labels_ = new widgets::HeatmapView(this);
  vs_input_->clear("CKA against the input pixels");
  vs_labels_->clear("CKA against the labels");
  maps->addWidget(vs_input_);
  maps->addWidget(vs_labels_);
  layout->addLayout(maps, 1);
  connect(compute_, &QPushButton::clicked, this, [this]() {
    const QString folder = QFileDialog::getExistingDirectory(this, "Folder of images for CKA", suggested_);
    if (folder.isEmpty()) return;
    try {
      emit computeRequested(ckaRequestForFolder(folder, labels_->isChecked(), max_images_->value()));
    } catch (const Error& e) {
      emit failed(QString::fromStdString(e.what()));
    }
  });
}

void DisentanglementPanel::setResult(std::shared_ptr<const CkaJobResult> job) {
  result_ = std::move(job);
  const DisentanglementResult& r = result_->result;
  const QStringList rows = {levelLabel(0), levelLabel(1), levelLabel(2), levelLabel(3)};
  QStringList columns;
  for (size_t c = 0; c < r.vs_input.values.size(); ++c) columns << QString("col %1").arg(c);
  auto grid = [](const CkaHeatmap& map) {
    QVector<QVector<double>> v(4);
    for (int l = 0; l < 4; ++l)
      for (const auto& column : map.values) v[l].push_back(column[size_t(l)]);
    return v;
  };
  vs_input_->setData("CKA against input pixels", rows, columns, grid(r.vs_input));
  if (r.vs_labels)
    vs_labels_->setData("CKA against labels", rows, columns, grid(*r.vs_labels));
  else
    vs_labels_->clear("No labels: put the images in class sub-folders (at least 2) to compare against labels.");
  QString text = QString("%1 images from %2").arg(r.images).arg(result_->request.folder);
  if (r.vs_labels) text += QString(", %1 classes").arg(result_->request.label_names.size());
  if (result_->failed > 0) text += QString("; %1 could not be read (skipped)").arg(result_->failed);
  if (result_->refused > 0) text += QString("; %1 left out (memory budget)").arg(result_->refused);
  text += QString("; %1 s").arg(result_->milliseconds / 1000.0, 0, 'f', 1);
  status_->setText(text);
}

QImage DisentanglementPanel::renderImage(const QSize& size, int font_pixels) const {
  // The heat maps drawn afresh at the size and type asked for (presentation mode), side by side.
  const QFont normal = vs_input_->font();
  QFont font = normal;
  font.setPixelSize(font_pixels);
  for (widgets::HeatmapView* v : {vs_input_, vs_labels_}) v->setFont(font);
  const QImage a = vs_input_->render(size.width() / 2, size.height()),
               b = vs_labels_->render(size.width() / 2, size.height());
  for (widgets::HeatmapView* v : {vs_input_, vs_labels_}) v->setFont(normal);
  return sideBySide(a, b);
}

QImage DisentanglementPanel::renderImage() const {
  return sideBySide(vs_input_->grab().toImage(), vs_labels_->grab().toImage());
}

}  // namespace revcol::studio
