// The window explains itself: the guide opens and every link in it resolves, every control has a
// tooltip, the start page opens each bundled demo, presentation mode renders each view.
#include <gtest/gtest.h>

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTextBrowser>
#include <qcustomplot.h>

#include "column_explorer.h"
#include "disentanglement_panel.h"
#include "guide_dialog.h"
#include "main_window.h"
#include "presentation_window.h"
#include "revcol_widgets/color_bar.h"
#include "revcol_widgets/error_plot.h"
#include "revcol_widgets/feature_grid.h"
#include "revcol_widgets/histogram_view.h"
#include "revcol_widgets/image_view.h"
#include "revcol_widgets/probability_bars.h"
#include "revcol_widgets/timeline_plot.h"
#include "start_page.h"
#include "window_wait.h"

using revcol::studio::MainWindow;
using revcol::studio::PresentationWindow;
using revcol::studio::testing::openAndWait;
using revcol::studio::testing::waitFor;

namespace {

const QString kData = REVCOL_TEST_DATA;

bool interactive(const QWidget* w) {
  if (qobject_cast<const QScrollBar*>(w)) return false;  // Qt's own, inside scroll areas
  return qobject_cast<const QAbstractButton*>(w) || qobject_cast<const QComboBox*>(w) ||
         qobject_cast<const QAbstractSpinBox*>(w) || qobject_cast<const QAbstractSlider*>(w) ||
         qobject_cast<const QLineEdit*>(w) || qobject_cast<const QAbstractItemView*>(w) ||
         qobject_cast<const revcol::widgets::ImageView*>(w) || qobject_cast<const revcol::widgets::FeatureGrid*>(w) ||
         qobject_cast<const revcol::widgets::ErrorPlot*>(w) || qobject_cast<const revcol::widgets::TimelinePlot*>(w) ||
         qobject_cast<const revcol::widgets::HistogramView*>(w) ||
         qobject_cast<const revcol::widgets::ProbabilityBars*>(w) || qobject_cast<const revcol::widgets::ColorBar*>(w);
}

// Parts Qt builds inside a widget (a spin box's line edit, a combo box's popup) are covered by the
// widget's own tooltip, which is what Qt shows over them.
bool partOfAnotherControl(const QWidget* w) {
  // Qt's navigation parts: a tab bar's scroll arrows, the menu bar's overflow button.
  if (w->objectName() == "ScrollLeftButton" || w->objectName() == "ScrollRightButton" ||
      w->objectName() == "qt_menubar_ext_button")
    return true;
  for (const QWidget* p = w->parentWidget(); p; p = p->parentWidget())
    if (qobject_cast<const QAbstractSpinBox*>(p) || qobject_cast<const QComboBox*>(p)) return true;
  return false;
}

QString describe(const QWidget* w) {
  QString path = QString("%1 '%2'").arg(w->metaObject()->className(), w->objectName());
  if (auto* b = qobject_cast<const QAbstractButton*>(w)) path += " text '" + b->text() + "'";
  for (const QWidget* p = w->parentWidget(); p; p = p->parentWidget())
    if (auto* d = qobject_cast<const QDockWidget*>(p)) return path + " in dock " + d->windowTitle();
  return path;
}

QStringList controlsWithoutToolTips(const QWidget& root) {
  QStringList missing;
  for (const QWidget* w : root.findChildren<QWidget*>()) {
    if (!interactive(w) || partOfAnotherControl(w)) continue;
    if (w->toolTip().trimmed().isEmpty()) missing << describe(w);
  }
  return missing;
}

}  // namespace

TEST(Explain, EveryLinkOfTheGuideResolves) {
  const QDir dir(revcol::studio::helpDir());
  const QStringList pages = dir.entryList({"*.html"}, QDir::Files);
  ASSERT_GE(pages.size(), 5) << dir.path().toStdString();
  const QRegularExpression href("href=\"([^\"]+)\"");
  int links = 0;
  for (const QString& page : pages) {
    QFile f(dir.filePath(page));
    ASSERT_TRUE(f.open(QIODevice::ReadOnly)) << page.toStdString();
    const QString html = QString::fromUtf8(f.readAll());
    for (auto it = href.globalMatch(html); it.hasNext();) {
      const QString target = it.next().captured(1);
      ++links;
      const QString file = target.section('#', 0, 0), anchor = target.section('#', 1);
      const QString path = file.isEmpty() ? dir.filePath(page) : dir.filePath(file);
      ASSERT_TRUE(QFileInfo::exists(path)) << page.toStdString() << " links to a missing " << target.toStdString();
      if (anchor.isEmpty()) continue;
      QFile t(path);
      ASSERT_TRUE(t.open(QIODevice::ReadOnly));
      EXPECT_TRUE(QString::fromUtf8(t.readAll()).contains(QString("name=\"%1\"").arg(anchor)))
          << page.toStdString() << " links to " << target.toStdString() << ", which has no such anchor";
    }
  }
  EXPECT_GE(links, 40);
}

TEST(Explain, TheGuideOpensOnAPageAndDrawsTheLoadedModel) {
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kData + "/cls/cls_revcol_huge_s8_k3.pth", kData + "/cls/cls_input_224.png"));
  w.showGuide("glossary.html#cka");
  ASSERT_NE(w.guide(), nullptr);
  EXPECT_TRUE(w.guide()->isVisible());
  EXPECT_TRUE(w.guide()->browser()->source().toString().endsWith("glossary.html#cka"));
  EXPECT_TRUE(w.guide()->browser()->toPlainText().contains("centred kernel alignment"));
  // The figure has one box column per RevCol column: 8 here, 4 for a four-column model.
  const QImage eight =
      w.guide()->browser()->loadResource(QTextDocument::ImageResource, QUrl("model:figure")).value<QImage>();
  const revcol::Architecture four = revcol::revcolTiny();
  EXPECT_GT(eight.width(), revcol::studio::drawModelFigure(four).width() * 3 / 2);
  w.showGuide("revcol.html");
  EXPECT_TRUE(w.guide()->browser()->toPlainText().contains("8 columns"))
      << w.guide()->browser()->toPlainText().toStdString();
}

TEST(Explain, EveryControlOfTheMainWindowHasATooltip) {
  MainWindow w;
  w.show();
  EXPECT_TRUE(controlsWithoutToolTips(w).isEmpty())
      << "at start: " << controlsWithoutToolTips(w).join("\n").toStdString();
  ASSERT_TRUE(openAndWait(w, kData + "/cls/cls_revcol_s4_k3.pth", kData + "/cls/cls_input_224.png"));
  EXPECT_TRUE(controlsWithoutToolTips(w).isEmpty()) << controlsWithoutToolTips(w).join("\n").toStdString();
  ASSERT_TRUE(openAndWait(w, kData + "/det_cascade_mask_rcnn_revcol_shrunk.pth", kData + "/det/det_input.png"));
  EXPECT_TRUE(controlsWithoutToolTips(w).isEmpty()) << controlsWithoutToolTips(w).join("\n").toStdString();
  // A cell's tooltip says what it is.
  const QString tip = w.explorer()->grid()->cellToolTip(1, 2);
  EXPECT_TRUE(tip.contains("column 1") && tip.contains("c2 (1/16)") && tip.contains("channels") &&
              tip.contains("reconstruction error"))
      << tip.toStdString();
}

TEST(Explain, TheStartPageOpensEachBundledDemo) {
  MainWindow probe;
  const int demos = int(probe.startPage()->demos().size());
  ASSERT_GE(demos, 4);  // classification, segmentation, video, CKA
  for (int i = 0; i < demos; ++i) {
    MainWindow w;
    w.show();
    EXPECT_TRUE(w.startPageShown());
    const revcol::studio::Demo demo = w.startPage()->demos()[i];
    w.openDemo(i);
    ASSERT_TRUE(waitFor(
        [&w, &demo]() { return w.idle() && w.lastResult() && (!demo.cka || w.disentanglementPanel()->result()); },
        180000))
        << demo.title.toStdString();
    EXPECT_TRUE(w.errorMessage().isEmpty()) << demo.title.toStdString() << ": " << w.errorMessage().toStdString();
    EXPECT_FALSE(w.startPageShown());
  }
}

TEST(Explain, PresentationModeRendersEachView) {
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kData + "/cls/cls_revcol_s4_k3.pth", kData + "/cls/cls_input_224.png"));
  PresentationWindow* p = w.showPresentation(false);
  p->resize(1280, 720);
  for (int v = 0; v < PresentationWindow::kViewCount; ++v) {
    p->setView(v);
    EXPECT_FALSE(p->viewTitle().isEmpty());
    if (v == PresentationWindow::kCka) continue;  // no CKA computed: a message instead of a picture
    EXPECT_FALSE(p->picture().isNull()) << v;
    EXPECT_GT(p->picture().width(), 300) << v;
  }
  // Every head's top-1 in large bars.
  p->setView(PresentationWindow::kPredictions);
  EXPECT_EQ(p->findChild<revcol::widgets::ProbabilityBars*>()->rowCount(), int(w.lastResult()->analysis.heads.size()));
}
