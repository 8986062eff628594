#include "main_window.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QMenuBar>
#include <QPixmap>
#include <QScrollArea>
#include <QStatusBar>
#include <QVBoxLayout>

#include "revcol/error.h"
#include "revcol/image_io.h"
#include "revcol/version.h"

namespace revcol::studio {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle("RevCol Studio");
  resize(1280, 800);

  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  message_label_ = new QLabel(central);
  message_label_->setWordWrap(true);
  message_label_->setStyleSheet("QLabel { color: #b00020; }");
  message_label_->hide();
  layout->addWidget(message_label_);
  scroll_ = new QScrollArea(central);
  image_label_ = new QLabel(scroll_);
  image_label_->setAlignment(Qt::AlignCenter);
  image_label_->setText("Open an image (File > Open Image...)");
  scroll_->setWidget(image_label_);
  scroll_->setWidgetResizable(true);
  layout->addWidget(scroll_, 1);
  setCentralWidget(central);

  QMenu* file = menuBar()->addMenu("&File");
  QAction* open = file->addAction("&Open Image...", this, &MainWindow::openImageDialog);
  open->setShortcut(QKeySequence::Open);
  file->addSeparator();
  QAction* quit = file->addAction("&Quit", this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  statusBar()->showMessage(QString::fromStdString(versionString()));
}

bool MainWindow::openImage(const QString& path) {
  try {
    cv::Mat rgb = loadImageRgb(path.toStdString());
    QImage view(rgb.data, rgb.cols, rgb.rows, int(rgb.step), QImage::Format_RGB888);
    image_label_->setPixmap(QPixmap::fromImage(view.copy()));
    message_label_->hide();
    setWindowTitle(QFileInfo(path).fileName() + " - RevCol Studio");
    return true;
  } catch (const Error& e) {
    showError(QString::fromStdString(e.what()));
    return false;
  }
}

void MainWindow::openImageDialog() {
  QString path = QFileDialog::getOpenFileName(this, "Open Image", QString(),
                                              "Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)");
  if (!path.isEmpty()) openImage(path);
}

void MainWindow::showError(const QString& message) {
  message_label_->setText(message);
  message_label_->show();
}

}  // namespace revcol::studio
