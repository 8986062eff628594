#pragma once
// Help > Guide: the pages in resources/help (what RevCol is, the window, a glossary of every term
// the window uses, keyboard shortcuts) in Qt's own text browser. The "What RevCol is" page draws
// the loaded model's own shape (columns, levels, channels) as its figure.
#include <QDialog>
#include <QImage>
#include <QString>
#include <QTextBrowser>

#include "revcol/architecture.h"

namespace revcol::studio {

// The folder of the guide's pages (installed with the other resources).
QString helpDir();

// Columns left to right, levels top to bottom, each box a feature map with its channels, arrows for
// the reversible connections into the next column at the same level.
QImage drawModelFigure(const Architecture& architecture);

// A text browser that serves "model:figure" and fills the model summary of revcol.html.
class GuideBrowser : public QTextBrowser {
  Q_OBJECT
 public:
  explicit GuideBrowser(QWidget* parent = nullptr);
  void setArchitecture(const Architecture& architecture, const QString& name);
  QVariant loadResource(int type, const QUrl& name) override;

 private:
  Architecture architecture_;
  QString name_;
};

class GuideDialog : public QDialog {
  Q_OBJECT
 public:
  explicit GuideDialog(QWidget* parent = nullptr);
  // page: "glossary.html#cka", "views.html", ... (relative to helpDir()).
  void showPage(const QString& page);
  void setArchitecture(const Architecture& architecture, const QString& name);
  GuideBrowser* browser() const { return browser_; }

 private:
  GuideBrowser* browser_ = nullptr;
};

}  // namespace revcol::studio
