#include "start_page.h"

#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace revcol::studio {

StartPage::StartPage(QWidget* parent) : QWidget(parent), demos_(bundledDemos()) {
  // A column of readable width, centred: on a wide screen the page does not stretch into lines
  // too long to read.
  auto* centring = new QHBoxLayout(this);
  auto* page = new QWidget(this);
  page->setMaximumWidth(960);
  centring->addStretch(1);
  centring->addWidget(page, 4);
  centring->addStretch(1);
  auto* outer = new QVBoxLayout(page);
  outer->setContentsMargins(24, 24, 24, 16);
  auto* title = new QLabel("<h2>RevCol Studio</h2>", page);
  auto* intro = new QLabel(
      "Look inside Reversible Column Networks: every column's feature maps at every level, how exactly each "
      "column is recovered from the next, and how the columns disentangle what they see.",
      this);
  intro->setWordWrap(true);
  outer->addWidget(title);
  outer->addWidget(intro);

  outer->addWidget(new QLabel("<b>Open a demo</b> (trained here, with a held-out sample):", page));
  auto* grid = new QGridLayout;
  for (int i = 0; i < demos_.size(); ++i) {
    const Demo& d = demos_[i];
    auto* button = new QPushButton(d.title, page);
    button->setMinimumHeight(36);
    button->setToolTip(
        QString("Opens %1 on %2").arg(QFileInfo(d.checkpoint).fileName(), QFileInfo(d.input).fileName()));
    auto* what = new QLabel(d.description, page);
    what->setWordWrap(true);
    grid->addWidget(button, i, 0);
    grid->addWidget(what, i, 1);
    connect(button, &QPushButton::clicked, this, [this, i]() { emit demoRequested(i); });
  }
  grid->setColumnStretch(1, 1);
  outer->addLayout(grid);
  if (demos_.isEmpty()) outer->addWidget(new QLabel("<i>No demo models found next to this program.</i>", page));

  outer->addWidget(new QLabel("<b>Recent files</b> (double-click to open):", page));
  recent_ = new QListWidget(this);
  recent_->setToolTip("Checkpoints and inputs opened before; double-click one to open it again");
  recent_->setMaximumHeight(140);
  outer->addWidget(recent_);
  connect(recent_, &QListWidget::itemActivated, this,
          [this](QListWidgetItem* item) { emit recentRequested(item->data(Qt::UserRole).toString()); });

  auto* hint = new QLabel(
      "Or open a checkpoint and an image, a folder of images, a video or a webcam from the File menu, or drop "
      "them anywhere on this window.",
      this);
  hint->setWordWrap(true);
  outer->addWidget(hint);
  auto* guide = new QPushButton("Open the guide (F1)", page);
  guide->setToolTip("What RevCol is, what each view shows, and a glossary of every term");
  connect(guide, &QPushButton::clicked, this, &StartPage::guideRequested);
  auto* row = new QHBoxLayout;
  row->addWidget(guide);
  row->addStretch(1);
  outer->addLayout(row);
  outer->addStretch(1);
}

void StartPage::setRecentFiles(const QStringList& paths) {
  recent_->clear();
  for (const QString& p : paths) {
    auto* item = new QListWidgetItem(QFileInfo(p).fileName().isEmpty() ? p : QFileInfo(p).fileName(), recent_);
    item->setData(Qt::UserRole, p);
    item->setToolTip(p);
  }
  if (paths.isEmpty()) recent_->addItem("(none yet)");
}

}  // namespace revcol::studio
