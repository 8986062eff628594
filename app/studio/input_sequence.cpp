#include "input_sequence.h"

#include <QFileInfo>

#include "revcol/error.h"

namespace revcol::studio {

FrameRequest InputSequence::request(int position) const {
  FrameRequest r;
  r.kind = kind;
  switch (kind) {
    case SourceKind::Folder:
      r.kind = SourceKind::Image;
      r.path = files.value(position);
      break;
    case SourceKind::Video:
      r.path = path;
      r.index = position;
      break;
    default:
      r.path = path;
      break;
  }
  return r;
}

QString InputSequence::label(int position) const {
  switch (kind) {
    case SourceKind::Folder:
      return QFileInfo(files.value(position)).fileName();
    case SourceKind::Video:
      return QString("%1 frame %2").arg(QFileInfo(path).fileName()).arg(position);
    case SourceKind::Webcam:
      return path;
    default:
      return QFileInfo(path).fileName();
  }
}

InputSequence describeInput(const QString& path) {
  InputSequence s;
  s.path = path;
  s.kind = classifyInput(path.toStdString());
  switch (s.kind) {
    case SourceKind::Folder: {
      for (const std::string& f : listImageFiles(path.toStdString(), false)) s.files << QString::fromStdString(f);
      // A labelled set (one sub-folder per class) holds its images one level down: play them all.
      if (s.files.isEmpty())
        for (const std::string& f : listImageFiles(path.toStdString(), true)) s.files << QString::fromStdString(f);
      if (s.files.isEmpty()) throw Error("the folder " + path.toStdString() + " holds no images");
      s.frames = int(s.files.size());
      break;
    }
    case SourceKind::Video:
      s.frames = 0;
      break;
    case SourceKind::Webcam:
      s.frames = -1;
      break;
    case SourceKind::Image:
      s.frames = 1;
      break;
  }
  return s;
}

}  // namespace revcol::studio
