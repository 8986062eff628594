#pragma once
// What the user opened, as a sequence of frames the player walks through: one image, the images of
// a folder (sorted as revcol-cli lists them), the frames of a video, or a live webcam.
#include <QString>
#include <QStringList>

#include "inference_worker.h"

namespace revcol::studio {

struct InputSequence {
  SourceKind kind = SourceKind::Image;
  QString path;       // as opened ("webcam:0" for a camera)
  QStringList files;  // folders: the images, in order
  int frames = 0;     // -1 for a webcam; 0 while a video is still being counted
  double fps = 0;     // videos: declared frame rate

  bool empty() const { return path.isEmpty(); }
  bool live() const { return kind == SourceKind::Webcam; }
  // The analysis request for a position (0 .. frames-1; any position for a webcam).
  FrameRequest request(int position) const;
  // A short name of the position for titles and the status bar ("cat.jpg", "clip.mp4 frame 12").
  QString label(int position) const;
};

// Classifies a path as revcol-cli does (webcam:N, folder, image by extension, else video) and lists
// a folder. Videos come back with frames = 0 (their frames are counted on the worker thread).
// Throws revcol::Error for a missing path or a folder without images.
InputSequence describeInput(const QString& path);

}  // namespace revcol::studio
