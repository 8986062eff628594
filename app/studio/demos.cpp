#include "demos.h"

#include <QDir>
#include <QFileInfo>

#include "revcol/class_labels.h"

namespace revcol::studio {
namespace {

QString resources() { return QString::fromStdString(resourceDir()); }

}  // namespace

QString demoCheckpoint(const QString& file_name) {
  for (const QString& dir : {resources() + "/models", resources() + "/../models/demo"}) {
    const QString path = QDir(dir).filePath(file_name);
    if (QFileInfo(path).isFile()) return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
  }
  return {};
}

QList<Demo> bundledDemos() {
  const QString samples = resources() + "/samples";
  const QString classifier = demoCheckpoint("revcol_fashion_cls.pth");
  const QString upernet = demoCheckpoint("revcol_fashion_upernet.pth");
  const QList<Demo> all = {
      {"Classification", "A bag, and how sure each column's head is of it", classifier,
       samples + "/fashion_items/bag_005008.png", false},
      {"Segmentation", "UperNet on a FashionScenes scene, with its ground truth beside it", upernet,
       samples + "/fashion_scenes/scene_005001.png", false},
      {"Video", "24 scenes played through: the timeline of errors and confidence", classifier,
       samples + "/fashion_scenes.mp4", false},
      {"Disentanglement (CKA)", "100 labelled items: which columns and levels carry the class", classifier,
       samples + "/fashion_labelled", true},
  };
  QList<Demo> present;
  for (const Demo& d : all)
    if (!d.checkpoint.isEmpty() && QFileInfo::exists(d.input)) present << d;
  return present;
}

}  // namespace revcol::studio
