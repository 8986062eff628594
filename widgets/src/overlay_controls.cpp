#include "revcol_widgets/overlay_controls.h"

#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPixmap>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>
#include <cmath>

namespace revcol::widgets {
namespace {

QIcon swatch(const QColor& color) {
  QPixmap p(14, 14);
  p.fill(color);
  QPainter painter(&p);
  painter.setPen(QColor(0, 0, 0, 120));
  painter.drawRect(0, 0, 13, 13);
  return QIcon(p);
}

}  // namespace

OverlayControls::OverlayControls(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  score_ = new QSlider(Qt::Horizontal, this);
  score_->setRange(0, 100);
  score_->setValue(30);
  score_->setToolTip("Detections scoring below this are hidden");
  score_label_ = new QLabel(this);
  form->addRow(score_label_, score_);
  opacity_ = new QSlider(Qt::Horizontal, this);
  opacity_->setRange(0, 100);
  opacity_->setValue(50);
  opacity_->setToolTip("How strongly masks and label maps cover the frame (0: not at all)");
  form->addRow("Opacity", opacity_);
  layout->addLayout(form);
  list_ = new QListWidget(this);
  list_->setToolTip("Untick a class to hide it");
  layout->addWidget(list_, 1);
  auto update_label = [this]() { score_label_->setText(QString("Score >= %1").arg(scoreThreshold(), 0, 'f', 2)); };
  update_label();
  connect(score_, &QSlider::valueChanged, this, [this, update_label]() {
    update_label();
    emit changed();
  });
  connect(opacity_, &QSlider::valueChanged, this, &OverlayControls::changed);
  connect(list_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
    const int index = item->data(Qt::UserRole).toInt();
    if (item->checkState() == Qt::Checked)
      hidden_.remove(index);
    else
      hidden_.insert(index);
    emit changed();
  });
  setMode(Mode::None);
}

void OverlayControls::setMode(Mode mode) {
  mode_ = mode;
  const bool detection = mode == Mode::Detection;
  score_->setVisible(detection);
  score_label_->setVisible(detection);
  setEnabled(mode != Mode::None);
  if (mode == Mode::None) list_->clear();
}

void OverlayControls::setEntries(const QVector<LegendEntry>& entries) {
  const QSignalBlocker block(list_);
  list_->clear();
  for (const LegendEntry& e : entries) {
    auto* item = new QListWidgetItem(swatch(e.color), e.detail.isEmpty() ? e.name : e.name + "  (" + e.detail + ")");
    item->setData(Qt::UserRole, e.index);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    item->setCheckState(hidden_.contains(e.index) ? Qt::Unchecked : Qt::Checked);
    list_->addItem(item);
  }
}

int OverlayControls::entryCount() const { return list_->count(); }
double OverlayControls::scoreThreshold() const { return score_->value() / 100.0; }
void OverlayControls::setScoreThreshold(double t) { score_->setValue(int(std::lround(t * 100))); }
double OverlayControls::opacity() const { return opacity_->value() / 100.0; }
void OverlayControls::setOpacity(double o) { opacity_->setValue(int(std::lround(o * 100))); }

void OverlayControls::setClassShown(int index, bool shown) {
  for (int i = 0; i < list_->count(); ++i)
    if (list_->item(i)->data(Qt::UserRole).toInt() == index) {
      list_->item(i)->setCheckState(shown ? Qt::Checked : Qt::Unchecked);  // emits via itemChanged
      return;
    }
  if (shown)
    hidden_.remove(index);
  else
    hidden_.insert(index);
  emit changed();
}

}  // namespace revcol::widgets
