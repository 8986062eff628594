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
  QCommandLineOption screenshot("screenshot", "Render the window once everything given is shown, save it to FILE, exit.",
                                "FILE");
  parser.addOption(screenshot);
  parser.addPositionalArgument("input", "Image to open.");
  parser.process(app);

  revcol::studio::MainWindow window;
  window.show();
  int status = 0;
  const QStringList inputs = parser.positionalArguments();
  if (!inputs.isEmpty() && !window.openImage(inputs.front())) status = 1;

  if (parser.isSet(screenshot)) {
    const QString file = parser.value(screenshot);
    QTimer::singleShot(300, &window, [&window, file, status]() {
      bool ok = window.grab().save(file);
      QApplication::exit(ok ? status : 2);
    });
  }
  return app.exec();
}
