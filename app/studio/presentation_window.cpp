#include "presentation_window.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPixmap>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

#include "column_explorer.h"
#include "disentanglement_panel.h"
#include "main_window.h"
#include "revcol_widgets/error_plot.h"
#include "revcol_widgets/feature_grid.h"
#include "revcol_widgets/image_view.h"
#include "revcol_widgets/probability_bars.h"

namespace revcol::studio {
namespace {

const char* const kTitles[] = {"Columns and levels", "What each column's head sees", "Reversible reconstruction",
                               "Disentanglement (CKA)"};

// Scales an image to fit `area`, keeping pixels crisp when it grows by a whole factor or more.
QPixmap fitted(const QImage& image, const QSize& area, bool crisp) {
  if (image.isNull() || area.isEmpty()) return {};
  return QPixmap::fromImage(
      image.scaled(area, Qt::KeepAspectRatio, crisp ? Qt::FastTransformation : Qt::SmoothTransformation));
}

}  // namespace

PresentationWindow::PresentationWindow(MainWindow* window) : QWidget(window, Qt::Window), window_(window) {
  setWindowTitle("RevCol Studio - Presentation");
  setAttribute(Qt::WA_DeleteOnClose, false);
  QPalette pal = palette();
  pal.setColor(QPalette::Window, Qt::white);
  pal.setColor(QPalette::WindowText, Qt::black);
  setPalette(pal);
  setAutoFillBackground(true);
  auto* layout = new QVBoxLayout(this);
  auto* bar = new QHBoxLayout;
  title_ = new QLabel(this);
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  bar->addWidget(title_, 1);
  auto* hint = hint_ = new QLabel("keys: 1-4 view, Space pause, arrows step, Esc leave", this);
  hint->setToolTip("Keys of the presentation");
  hint->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // never wider than the screen
  hint->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
  bar->addWidget(hint, 1);
  advance_ = new QSpinBox(this);
  advance_->setRange(0, 600);
  advance_->setSuffix(" s");
  advance_->setPrefix("next frame every ");
  advance_->setSpecialValueText("no auto-advance");
  advance_->setToolTip("A folder or video advances on its own at this interval (0: it does not)");
  advance_->setFocusPolicy(Qt::ClickFocus);  // the keys 1-4, Space and arrows stay the window's
  setFocusPolicy(Qt::StrongFocus);
  bar->addWidget(advance_);
  layout->addLayout(bar);
  auto* body = new QHBoxLayout;
  input_ = new QLabel(this);
  input_->setAlignment(Qt::AlignCenter);
  input_->setToolTip("The input as the network saw it");
  bars_ = new widgets::ProbabilityBars(this);
  bars_->setToolTip("Each column's head: its top-1 class and how sure it is");
  picture_ = new QLabel(this);
  picture_->setAlignment(Qt::AlignCenter);
  picture_->setWordWrap(true);
  body->addWidget(input_, 1);
  body->addWidget(bars_, 1);
  body->addWidget(picture_, 1);
  layout->addLayout(body, 1);
  timer_ = new QTimer(this);
  connect(timer_, &QTimer::timeout, this, [this]() {
    const int frames = window_->sequence().frames;
    if (frames > 1) window_->showPosition((window_->position() + 1) % frames);
  });
  connect(advance_, &QSpinBox::valueChanged, this, [this](int s) { setAdvanceSeconds(s); });
  // A new frame, or a finished side job (CKA, float64 curves): draw what the window has now.
  auto redraw = [this]() {
    if (isVisible()) refresh();
  };
  connect(window_, &MainWindow::frameShown, this, redraw);
  connect(window_, &MainWindow::becameIdle, this, redraw);
  setView(kPredictions);
}

void PresentationWindow::setAdvanceSeconds(int seconds) {
  if (advance_->value() != seconds) advance_->setValue(seconds);  // re-enters through valueChanged
  if (seconds > 0)
    timer_->start(seconds * 1000);
  else
    timer_->stop();
}

void PresentationWindow::setView(int view) {
  view_ = std::clamp(view, 0, int(kViewCount) - 1);
  title_->setText(viewTitle());
  input_->setVisible(view_ == kPredictions);
  bars_->setVisible(view_ == kPredictions);
  picture_->setVisible(view_ != kPredictions);
  refresh();
}

QString PresentationWindow::viewTitle() const { return kTitles[view_]; }

QPixmap PresentationWindow::picture() const {
  if (view_ == kPredictions) return const_cast<PresentationWindow*>(this)->grab();  // grab() is not const
  return picture_->pixmap();
}

void PresentationWindow::refresh() {
  // Large type for the back of a room: the window's height sets the font.
  QFont big = font();
  big.setPixelSize(std::max(16, height() / 32));
  setFont(big);
  hint_->setFont(QApplication::font());  // the key hint stays small: it is for the presenter
  const QSize area = picture_->isVisible() && !picture_->size().isEmpty()
                         ? picture_->size()
                         : size() - QSize(40, title_->sizeHint().height() + 40);
  picture_->clear();
  switch (view_) {
    case kExplorer: {
      // Rendered at the scale that fills the screen, so labels and numbers grow with the maps.
      const QImage one = window_->explorer()->grid()->render(1.0, true);
      if (one.isNull() || one.width() == 0) break;
      const double scale =
          std::max(1.0, std::min(area.width() / double(one.width()), area.height() / double(one.height())));
      picture_->setPixmap(fitted(window_->explorer()->grid()->render(scale, true), area, true));
      break;
    }
    case kPredictions: {
      const QSize half(area.width() / 2, area.height());
      input_->setPixmap(fitted(window_->inputView()->composedImage(), half, true));
      // Every column's head when there are several (the growing certainty), else what the task gives.
      widgets::ProbabilityBars* from = window_->headBars()->rowCount() > 1 ? window_->headBars() : window_->topBars();
      QVector<widgets::BarRow> rows;
      for (int i = 0; i < from->rowCount(); ++i) rows << from->row(i);
      bars_->setTitle(from == window_->headBars() ? "Top-1 of each column's head" : "Predictions");
      bars_->setRows(rows);
      if (rows.isEmpty()) bars_->setMessage("Nothing predicted yet.");
      break;
    }
    case kReconstruction: {
      // Drawn at half size and doubled: the plot's text grows with it.
      const QImage plot =
          window_->errorPlot()->render(std::max(200, area.width() / 2), std::max(150, area.height() / 2));
      picture_->setPixmap(fitted(plot, area, false));
      break;
    }
    case kCka: {
      if (!window_->disentanglementPanel()->result()) {
        picture_->setText(
            "No CKA yet: compute it in the Disentanglement (CKA) panel, or open the CKA demo from the start page.");
        break;
      }
      const QSize maps(area.width(), std::min(area.height(), area.width() * 2 / 5));
      picture_->setPixmap(QPixmap::fromImage(window_->disentanglementPanel()->renderImage(maps, font().pixelSize())));
      break;
    }
    default:
      break;
  }
}

void PresentationWindow::keyPressEvent(QKeyEvent* event) {
  const int key = event->key();
  if (key >= Qt::Key_1 && key < Qt::Key_1 + kViewCount) {
    setView(key - Qt::Key_1);
  } else if (key == Qt::Key_Space) {
    if (timer_->isActive())
      timer_->stop();
    else if (advance_->value() > 0)
      timer_->start(advance_->value() * 1000);
  } else if (key == Qt::Key_Right || key == Qt::Key_Left) {
    const int frames = window_->sequence().frames;
    if (frames > 1) window_->showPosition((window_->position() + (key == Qt::Key_Right ? 1 : frames - 1)) % frames);
  } else if (key == Qt::Key_Escape || key == Qt::Key_F11) {
    timer_->stop();
    close();
  } else {
    QWidget::keyPressEvent(event);
  }
}

void PresentationWindow::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  refresh();
}

}  // namespace revcol::studio
