#pragma once
// The RevCol Studio main window: input view in the centre, status bar with backend information.
#include <QMainWindow>
#include <QString>

class QLabel;
class QScrollArea;

namespace revcol::studio {

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);

  // Shows an image in the input view; returns false and shows the reason in the window on failure.
  bool openImage(const QString& path);

 private:
  void openImageDialog();
  void showError(const QString& message);

  QScrollArea* scroll_ = nullptr;
  QLabel* image_label_ = nullptr;
  QLabel* message_label_ = nullptr;
};

}  // namespace revcol::studio
