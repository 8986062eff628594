// revcol-studio [--checkpoint CKPT] [--screenshot FILE] [INPUT]
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include "main_window.h"

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
  parser.addOption(checkpoint);
  parser.addOption(screenshot);
  parser.addPositionalArgument("input", "Image to open.");
  parser.process(app);

  revcol::studio::MainWindow window;
  window.show();
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
  if (!inputs.isEmpty()) window.openImage(inputs.front());
  return app.exec();
}
