#pragma once
// Private helpers of the batch exporter: names, CSV fields, and files that are streamed to a temp
// path and renamed into place once complete.
#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>
#include <string>
#include <vector>

namespace revcol::exporter {

// A file or folder name: [A-Za-z0-9._-] kept, anything else '_', at most 60 characters.
std::string sanitizeName(const std::string& s);

// One folder name per input (file stem, folder name, webcamN), unique in argument order
// ("clip", "clip-2", ...).
std::vector<std::string> inputNames(const std::vector<std::string>& inputs);

// A CSV field (RFC 4180: quoted when it holds a comma, quote or newline).
std::string csvField(const std::string& s);
// A number for CSV: shortest form that reads back as the same double ("%.17g" trimmed).
std::string csvNumber(double v);

// Text written to `final + ".partial"`, renamed to `final` by commit() (after fsync).
class StreamedFile {
 public:
  StreamedFile() = default;
  StreamedFile(const StreamedFile&) = delete;
  StreamedFile& operator=(const StreamedFile&) = delete;
  ~StreamedFile() { abandon(); }
  void open(const std::string& final_path);  // throws revcol::Error
  void write(const std::string& text);       // throws revcol::Error
  void commit();                             // throws revcol::Error
  void abandon();                            // removes the partial file (no-op when closed)
  bool isOpen() const { return f_ != nullptr; }

 private:
  std::string final_, temp_;
  FILE* f_ = nullptr;
};

// An MP4 ('mp4v') written to `final` with ".partial.mp4" (OpenCV picks the container from the
// extension), renamed by commit(). Opened at the first frame, whose size every frame must have.
class StreamedVideo {
 public:
  StreamedVideo() = default;
  StreamedVideo(const StreamedVideo&) = delete;
  StreamedVideo& operator=(const StreamedVideo&) = delete;
  ~StreamedVideo() { abandon(); }
  void start(const std::string& final_path, double fps) {
    final_ = final_path;
    fps_ = fps;
    frames_ = 0;
  }
  void write(const cv::Mat& rgb);  // throws revcol::Error
  // Renames into place; false when no frame was written.
  bool commit();
  void abandon();
  bool started() const { return !final_.empty(); }

 private:
  std::string final_, temp_;
  double fps_ = 0;
  cv::Size size_;
  cv::VideoWriter writer_;
  int64_t frames_ = 0;
};

}  // namespace revcol::exporter
