// revcol-studio [--checkpoint CKPT] [--screenshot FILE] [--explorer-mode MODE] [--cell COL,LEVEL] [INPUT]
// INPUT: an image, a folder of images, a video file or webcam:N.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>
#include <cstdio>
#include <memory>

#include "disentanglement_panel.h"
#include "main_window.h"
#include "revcol/error.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("RevCol Studio");
  QApplication::setOrganizationName("RevCol Studio");

  QCommandLineParser parser;
  parser.setApplicationDescription("Explore the columns and levels of Reversible Column Networks.");
  parser.addHelpOption();
  QCommandLineOption checkpoint("checkpoint", "RevCol checkpoint to open.", "CKPT");
  QCommandLineOption screenshot("screenshot",
                                "Save the window to FILE once everything given has been computed, then exit.", "FILE");
  QCommandLineOption display("explorer-mode", "Column explorer display: mean, l2, channel, pca or added.", "MODE");
  QCommandLineOption cell("cell", "Open this cell of the column explorer in the detail view.", "COL,LEVEL");
  QCommandLineOption chain("chain", "Show the chain-mode reconstruction errors.");
  QCommandLineOption play("play",
                          "Play the opened folder or video through once (with --screenshot: shoot at the end).");
  QCommandLineOption cka("cka", "Compute the CKA heat maps over FOLDER (class sub-folders as labels).", "FOLDER");
  QCommandLineOption truth("ground-truth", "Show the ground truth found beside the input instead of the prediction.");
  parser.addOption(checkpoint);
  parser.addOption(screenshot);
  parser.addOption(display);
  parser.addOption(cell);
  parser.addOption(chain);
  parser.addOption(play);
  parser.addOption(cka);
  parser.addOption(truth);
  parser.addPositionalArgument("input", "Image, folder of images, video file or webcam:N to open.");
  parser.process(app);

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
        const bool ok = window.grab().save(file);
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
