#pragma once
// What the window shows while nothing is open: the bundled demos, each one click away; recent
// files; and how to open anything else (menus, drag and drop, the guide).
#include <QStringList>
#include <QWidget>

#include "demos.h"

class QListWidget;

namespace revcol::studio {

class StartPage : public QWidget {
  Q_OBJECT
 public:
  explicit StartPage(QWidget* parent = nullptr);
  void setRecentFiles(const QStringList& paths);
  const QList<Demo>& demos() const { return demos_; }

 signals:
  void demoRequested(int index);  // into demos()
  void recentRequested(const QString& path);
  void guideRequested();

 private:
  QList<Demo> demos_;
  QListWidget* recent_ = nullptr;
};

}  // namespace revcol::studio
