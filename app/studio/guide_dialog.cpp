#include "guide_dialog.h"

#include <QDir>
#include <QFile>
#include <QHBoxLayout>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QTextDocument>
#include <QUrl>
#include <QVBoxLayout>
#include <cmath>

#include "revcol/class_labels.h"
#include "studio_style.h"

namespace revcol::studio {

QString helpDir() { return QString::fromStdString(resourceDir()) + "/help"; }

QImage drawModelFigure(const Architecture& a) {
  const int columns = std::max(1, a.columns);
  constexpr int kBoxW = 104, kBoxH = 40, kGapX = 36, kGapY = 22, kMargin = 14, kHeader = 26, kLabelW = 74;
  const int width = kMargin * 2 + kLabelW + columns * kBoxW + (columns - 1) * kGapX;
  const int height = kMargin * 2 + kHeader + 4 * kBoxH + 3 * kGapY;
  QImage image(width, height, QImage::Format_RGB32);
  image.fill(Qt::white);
  QPainter p(&image);
  p.setRenderHint(QPainter::Antialiasing);
  QFont font;
  font.setPixelSize(12);
  p.setFont(font);
  auto box = [&](int k, int l) {
    return QRect(kMargin + kLabelW + k * (kBoxW + kGapX), kMargin + kHeader + l * (kBoxH + kGapY), kBoxW, kBoxH);
  };
  for (int k = 0; k < columns; ++k) {
    const QRect top = box(k, 0);
    p.setPen(Qt::black);
    p.drawText(QRect(top.left(), kMargin, top.width(), kHeader - 6), Qt::AlignCenter, QString("col %1").arg(k));
  }
  for (int l = 0; l < 4; ++l) {
    const QRect first = box(0, l);
    p.setPen(Qt::black);
    p.drawText(QRect(kMargin, first.top(), kLabelW - 8, first.height()), Qt::AlignRight | Qt::AlignVCenter,
               levelLabel(l));
    for (int k = 0; k < columns; ++k) {
      const QRect r = box(k, l);
      QColor fill = levelColor(l);
      fill.setAlpha(60);
      p.setPen(QPen(levelColor(l), 1.5));
      p.setBrush(fill);
      p.drawRoundedRect(r, 5, 5);
      p.setPen(Qt::black);
      p.drawText(r, Qt::AlignCenter, QString("%1 ch").arg(a.channels[size_t(l)]));
      // The reversible connection into the next column at this level.
      if (k + 1 < columns) {
        const QPointF from(r.right() + 3, r.center().y()), to(box(k + 1, l).left() - 3, r.center().y());
        p.setPen(QPen(QColor(70, 70, 70), 1.6));
        p.drawLine(from, to);
        QPainterPath head;
        head.moveTo(to);
        head.lineTo(to + QPointF(-7, -4));
        head.lineTo(to + QPointF(-7, 4));
        head.closeSubpath();
        p.fillPath(head, QColor(70, 70, 70));
      }
    }
  }
  return image;
}

GuideBrowser::GuideBrowser(QWidget* parent) : QTextBrowser(parent), architecture_(revcolTiny()), name_("RevCol-T") {
  setSearchPaths({helpDir()});
  setOpenExternalLinks(false);
}

void GuideBrowser::setArchitecture(const Architecture& architecture, const QString& name) {
  architecture_ = architecture;
  name_ = name;
  if (source().isValid()) reload();
}

QVariant GuideBrowser::loadResource(int type, const QUrl& name) {
  if (type == QTextDocument::ImageResource && name.scheme() == "model") return drawModelFigure(architecture_);
  QVariant resource = QTextBrowser::loadResource(type, name);
  if (type == QTextDocument::HtmlResource && name.fileName() == "revcol.html") {
    const Architecture& a = architecture_;
    const QString summary =
        QString(
            "Shown: <b>%1</b>, %2 columns; channels %3 / %4 / %5 / %6 and %7 / %8 / %9 / %10 ConvNeXt blocks at "
            "levels c0 to c3 in every column.")
            .arg(name_.toHtmlEscaped())
            .arg(a.columns)
            .arg(a.channels[0])
            .arg(a.channels[1])
            .arg(a.channels[2])
            .arg(a.channels[3])
            .arg(a.layers[0])
            .arg(a.layers[1])
            .arg(a.layers[2])
            .arg(a.layers[3]);
    QString html = QString::fromUtf8(resource.toByteArray());
    html.replace("<!--MODEL_SUMMARY-->", summary);
    return html;
  }
  return resource;
}

GuideDialog::GuideDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle("RevCol Studio Guide");
  auto* layout = new QVBoxLayout(this);
  auto* nav = new QHBoxLayout;
  auto* back = new QPushButton("Back", this);
  back->setToolTip("The page shown before");
  auto* home = new QPushButton("Contents", this);
  home->setToolTip("The guide's first page");
  auto* glossary = new QPushButton("Glossary", this);
  glossary->setToolTip("Every term the window uses");
  nav->addWidget(back);
  nav->addWidget(home);
  nav->addWidget(glossary);
  nav->addStretch(1);
  layout->addLayout(nav);
  browser_ = new GuideBrowser(this);
  browser_->setToolTip({});
  layout->addWidget(browser_, 1);
  connect(back, &QPushButton::clicked, browser_, &QTextBrowser::backward);
  connect(home, &QPushButton::clicked, this, [this]() { showPage("index.html"); });
  connect(glossary, &QPushButton::clicked, this, [this]() { showPage("glossary.html"); });
  resize(760, 640);
  showPage("index.html");
}

void GuideDialog::showPage(const QString& page) {
  const int hash = int(page.indexOf('#'));
  QUrl url = QUrl::fromLocalFile(QDir(helpDir()).filePath(hash < 0 ? page : page.left(hash)));
  if (hash >= 0) url.setFragment(page.mid(hash + 1));
  browser_->setSource(url);
}

void GuideDialog::setArchitecture(const Architecture& architecture, const QString& name) {
  browser_->setArchitecture(architecture, name);
}

}  // namespace revcol::studio
