#include "export_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace revcol::studio {
namespace {

struct KindInfo {
  ExportKind kind;
  const char* name;
  const char* suffix;  // after the stem, with the extension ("" extension: a folder)
  bool figure;
};

const KindInfo kKinds[] = {
    {ExportKind::InputView, "Input with its overlay (PNG)", "_input.png", true},
    {ExportKind::FeatureGrid, "Column explorer grid (PNG)", "_features.png", true},
    {ExportKind::SelectedCell, "Selected cell (PNG)", "_cell.png", true},
    {ExportKind::ErrorPlot, "Reconstruction error plot (PNG)", "_errors.png", true},
    {ExportKind::AlphaPlot, "Alpha plot (PNG)", "_alphas.png", true},
    {ExportKind::Timeline, "Timeline (PNG)", "_timeline.png", true},
    {ExportKind::CkaFigure, "CKA heat maps (PNG)", "_cka.png", true},
    {ExportKind::FeatureArrays, "Every feature map (.npy folder)", "_features", false},
    {ExportKind::ErrorsCsv, "Reconstruction errors (CSV)", "_errors.csv", false},
    {ExportKind::SummaryJson, "Analysis summary (summary.json)", "_summary.json", false},
    {ExportKind::CkaCsv, "CKA values (CSV)", "_cka.csv", false},
    {ExportKind::CkaJson, "CKA values (JSON)", "_cka_values.json", false},
};

const KindInfo& info(ExportKind kind) {
  for (const KindInfo& k : kKinds)
    if (k.kind == kind) return k;
  return kKinds[0];
}

}  // namespace

QString exportStem(const QString& input_path, qint64 frame_index) {
  QString stem = input_path.startsWith("webcam:") ? QString(input_path).replace(':', '_')
                                                  : QFileInfo(input_path).completeBaseName();
  if (stem.isEmpty()) stem = "revcol";
  if (frame_index >= 0) stem += QString("_f%1").arg(frame_index, 4, 10, QChar('0'));
  return stem;
}

QString exportFileName(ExportKind kind, const QString& stem) { return stem + info(kind).suffix; }
QString exportKindName(ExportKind kind) { return info(kind).name; }

QList<ExportKind> allExportKinds() {
  QList<ExportKind> kinds;
  for (const KindInfo& k : kKinds) kinds << k.kind;
  return kinds;
}

ExportDialog::ExportDialog(const QMap<ExportKind, QString>& unavailable, const QString& folder, const QString& stem,
                           QWidget* parent)
    : QDialog(parent) {
  setWindowTitle("Export");
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel("What to write (figures get a JSON sidecar saying how they were made):", this));
  kinds_ = new QListWidget(this);
  for (const KindInfo& k : kKinds) {
    auto* item = new QListWidgetItem(k.name, kinds_);
    item->setData(Qt::UserRole, int(k.kind));
    const bool available = !unavailable.contains(k.kind);
    item->setFlags(available ? Qt::ItemIsEnabled | Qt::ItemIsUserCheckable : Qt::ItemIsUserCheckable);
    item->setCheckState(available && (k.kind == ExportKind::FeatureGrid || k.kind == ExportKind::SummaryJson)
                            ? Qt::Checked
                            : Qt::Unchecked);
    item->setToolTip(available ? QString("Writes %1").arg(exportFileName(k.kind, "NAME")) : unavailable.value(k.kind));
  }
  layout->addWidget(kinds_, 1);

  auto* form = new QFormLayout;
  auto* where = new QHBoxLayout;
  folder_ = new QLineEdit(folder, this);
  folder_->setToolTip("The folder the files are written to (created when missing)");
  auto* browse = new QPushButton("Browse...", this);
  where->addWidget(folder_, 1);
  where->addWidget(browse);
  form->addRow("Folder", where);
  stem_ = new QLineEdit(stem, this);
  stem_->setToolTip("File names start with this: the input's name, and the frame for a video");
  form->addRow("File names", stem_);
  scale_ = new QSpinBox(this);
  scale_->setRange(1, 8);
  scale_->setSuffix(" x");
  scale_->setToolTip("Image figures drawn this many times larger, pixels kept crisp (plots: the same factor)");
  form->addRow("Figure scale", scale_);
  color_bar_ = new QCheckBox("Colour bar with its end values under maps and overlays", this);
  color_bar_->setChecked(true);
  title_ = new QCheckBox("Title above each figure", this);
  title_->setChecked(true);
  form->addRow("", color_bar_);
  form->addRow("", title_);
  layout->addLayout(form);
  layout->addWidget(new QLabel("Files:", this));
  preview_ = new QListWidget(this);
  preview_->setMaximumHeight(110);
  preview_->setToolTip("The files this export writes (existing ones are replaced)");
  layout->addWidget(preview_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText("Export");
  layout->addWidget(buttons);

  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(browse, &QPushButton::clicked, this, [this]() {
    const QString dir = QFileDialog::getExistingDirectory(this, "Export to Folder", folder_->text());
    if (!dir.isEmpty()) folder_->setText(dir);
  });
  connect(kinds_, &QListWidget::itemChanged, this, &ExportDialog::updatePreview);
  connect(folder_, &QLineEdit::textChanged, this, &ExportDialog::updatePreview);
  connect(stem_, &QLineEdit::textChanged, this, &ExportDialog::updatePreview);
  updatePreview();
}

ExportChoice ExportDialog::choice() const {
  ExportChoice c;
  for (int i = 0; i < kinds_->count(); ++i) {
    const QListWidgetItem* item = kinds_->item(i);
    if (item->checkState() == Qt::Checked && (item->flags() & Qt::ItemIsEnabled))
      c.kinds << ExportKind(item->data(Qt::UserRole).toInt());
  }
  c.folder = folder_->text();
  c.stem = stem_->text().trimmed().isEmpty() ? QString("revcol") : stem_->text().trimmed();
  c.style = {scale_->value(), color_bar_->isChecked(), title_->isChecked()};
  return c;
}

void ExportDialog::updatePreview() {
  preview_->clear();
  const ExportChoice c = choice();
  for (ExportKind k : c.kinds) preview_->addItem(QDir(c.folder).filePath(exportFileName(k, c.stem)));
  if (c.kinds.isEmpty()) preview_->addItem("(nothing ticked)");
}

}  // namespace revcol::studio
