// revcol-studio [--checkpoint CKPT] [--screenshot FILE] [--explorer-mode MODE] [--cell COL,LEVEL] [INPUT]
// INPUT: an image, a folder of images, a video file or webcam:N.
#include <QApplication>
#include <QCommandLineParser>
#include <QRegularExpression>
#include <QTimer>
#include <cstdio>
#include <memory>
#include <string>
#include <tuple>

#include "disentanglement_panel.h"
#include "guide_dialog.h"
#include "main_window.h"
#include "presentation_window.h"
#include "revcol/error.h"
#include "revcol/version.h"

namespace {

// Every option of the command line, declared once for both parsers below.
struct StudioOptions {
  QCommandLineOption checkpoint{"checkpoint", "RevCol checkpoint to open.", "CKPT"};
  QCommandLineOption screenshot{"screenshot",
                                "Save the window to FILE once everything given has been computed, then exit.", "FILE"};
  QCommandLineOption display{"explorer-mode", "Column explorer display: mean, l2, channel, pca or added.", "MODE"};
  QCommandLineOption cell{"cell", "Open this cell of the column explorer in the detail view.", "COL,LEVEL"};
  QCommandLineOption chain{"chain", "Show the chain-mode reconstruction errors."};
  QCommandLineOption play{"play",
                          "Play the opened folder or video through once (with --screenshot: shoot at the end)."};
  QCommandLineOption cka{"cka", "Compute the CKA heat maps over FOLDER (class sub-folders as labels).", "FOLDER"};
  QCommandLineOption truth{"ground-truth", "Show the ground truth found beside the input instead of the prediction."};
  QCommandLineOption guide{"guide", "Open the guide at PAGE (index.html, glossary.html, ...); --screenshot shoots it.",
                           "PAGE"};
  QCommandLineOption presentation{
      "presentation",
      "Open presentation mode on VIEW 1-4 (explorer, predictions, reconstruction, CKA); --screenshot "
      "shoots it.",
      "VIEW"};

  explicit StudioOptions(QCommandLineParser& parser) {
    parser.setApplicationDescription("Explore the columns and levels of Reversible Column Networks.");
    parser.addHelpOption();
    parser.addVersionOption();
    for (const QCommandLineOption* o :
         {&checkpoint, &screenshot, &display, &cell, &chain, &play, &cka, &truth, &guide, &presentation})
      parser.addOption(*o);
    parser.addPositionalArgument("input", "Image, folder of images, video file or webcam:N to open.");
  }
};

void nameApplication() {
  QCoreApplication::setApplicationName("RevCol Studio");
  QCoreApplication::setOrganizationName("RevCol Studio");
  // versionString() starts with the name Qt prints before the version already.
  QCoreApplication::setApplicationVersion(
      QString::fromStdString(revcol::versionString()).remove(QRegularExpression("^RevCol Studio ")));
}

bool asksForHelpOrVersion(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h" || a == "-?" || a == "--help-all" || a == "--version" || a == "-v") return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // --help and --version print and exit without a display: a QApplication would need the
  // platform plugin (an X server) before it could parse anything.
  if (asksForHelpOrVersion(argc, argv)) {
    QCoreApplication core(argc, argv);
    nameApplication();
    QCommandLineParser parser;
    StudioOptions options(parser);
    parser.process(core);  // prints help or version and exits 0
    return 0;
  }
  QApplication app(argc, argv);
  nameApplication();
  QCommandLineParser parser;
  const StudioOptions options(parser);
  parser.process(app);
  const auto& [checkpoint, screenshot, display, cell, chain, play, cka, truth] =
      std::tie(options.checkpoint, options.screenshot, options.display, options.cell, options.chain, options.play,
               options.cka, options.truth);

  revcol::studio::MainWindow window;
  window.show();
  if (parser.isSet(display)) {
    const QStringList modes = {"mean", "l2", "channel", "pca", "added"};
    const int mode = int(modes.indexOf(parser.value(display)));
    if (mode < 0) {
      std::fprintf(stderr, "revcol-studio: --explorer-mode takes mean, l2, channel, pca or added\n");
      return 2;
    }
    window.setDisplayMode(mode);
  }
  if (parser.isSet(chain)) window.setChainMode(true);
  if (parser.isSet(cell)) {
    const QStringList parts = parser.value(cell).split(',');
    bool ok_c = false, ok_l = false;
    const int c = parts.value(0).toInt(&ok_c), l = parts.value(1).toInt(&ok_l);
    if (parts.size() != 2 || !ok_c || !ok_l || l < 0 || l > 3 || c < 0) {
      std::fprintf(stderr, "revcol-studio: --cell takes COLUMN,LEVEL (level 0-3)\n");
      return 2;
    }
    window.selectCellWhenReady(c, l);
  }
  if (parser.isSet(screenshot)) {
    const QString file = parser.value(screenshot);
    auto shoot = [&window, file]() {
      // Let the last results paint before grabbing.
      QTimer::singleShot(200, &window, [&window, file]() {
        if (!window.idle()) return;  // more work was queued: the next becameIdle shoots
        // The guide or the presentation when one was asked for, else the main window.
        QWidget* target = &window;
        if (window.guide() && window.guide()->isVisible()) target = window.guide();
        if (window.presentation() && window.presentation()->isVisible()) target = window.presentation();
        const bool ok = target->grab().save(file);
        QApplication::exit(!ok ? 2 : window.hadError() ? 1 : 0);
      });
    };
    QObject::connect(&window, &revcol::studio::MainWindow::becameIdle, &window, shoot);
    QTimer::singleShot(0, &window, [&window, shoot]() {
      if (window.idle()) shoot();
    });
  }
  if (parser.isSet(checkpoint)) window.openCheckpoint(parser.value(checkpoint));
  const QStringList inputs = parser.positionalArguments();
  if (!inputs.isEmpty()) window.openInput(inputs.front());
  if (parser.isSet(play)) {
    // Start once the first frame is shown (the model and the video's frame count are known then).
    auto started = std::make_shared<bool>(false);
    QObject::connect(&window, &revcol::studio::MainWindow::frameShown, &window, [&window, started](int) {
      if (*started) return;
      *started = true;
      window.setPlaying(true);
    });
  }
  if (parser.isSet(options.guide)) window.showGuide(parser.value(options.guide));
  if (parser.isSet(options.presentation)) {
    bool ok = false;
    const int view = parser.value(options.presentation).toInt(&ok);
    if (!ok || view < 1 || view > 4) {
      std::fprintf(stderr, "revcol-studio: --presentation takes a view 1-4\n");
      return 2;
    }
    QObject::connect(&window, &revcol::studio::MainWindow::frameShown, &window,
                     [&window, view](int) { window.showPresentation()->setView(view - 1); });
    if (parser.positionalArguments().isEmpty() && !parser.isSet(checkpoint))
      window.showPresentation()->setView(view - 1);
  }
  if (parser.isSet(truth)) {
    auto done = std::make_shared<bool>(false);
    QObject::connect(&window, &revcol::studio::MainWindow::frameShown, &window, [&window, done](int) {
      if (*done || !window.groundTruthAvailable()) return;
      *done = true;
      window.setGroundTruthShown(true);
    });
  }
  if (parser.isSet(cka)) {
    const QString folder = parser.value(cka);
    auto requested = std::make_shared<bool>(false);
    QObject::connect(&window, &revcol::studio::MainWindow::becameIdle, &window, [&window, folder, requested]() {
      if (*requested) return;  // once, after the model (and any input) are done
      *requested = true;
      try {
        window.showDock("Disentanglement (CKA)");
        window.computeCka(revcol::studio::ckaRequestForFolder(folder, true, 128));
      } catch (const revcol::Error& e) {
        std::fprintf(stderr, "revcol-studio: %s\n", e.what());
      }
    });
  }
  return app.exec();
}
