#pragma once
// The bundled demos the start page opens in one click: a trained demo checkpoint with a held-out
// sample input (resources/samples), found in the source tree or where the package installs them.
#include <QList>
#include <QString>

namespace revcol::studio {

struct Demo {
  QString title;        // "Classification"
  QString description;  // one line: what it shows
  QString checkpoint;   // absolute path
  QString input;        // image, video or folder (absolute path)
  bool cka = false;     // also compute CKA over `input` (a folder of class sub-folders)
};

// Every demo whose files exist here, in the start page's order.
QList<Demo> bundledDemos();

// A demo checkpoint by file name: <resources>/models/NAME when installed, else models/demo/NAME of
// the source tree. Empty when neither exists.
QString demoCheckpoint(const QString& file_name);

}  // namespace revcol::studio
