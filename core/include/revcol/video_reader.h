#pragma once
// Random access to the frames of a video file, for players that step and scrub (the batch
// pipeline reads sequentially through FrameSource instead). Frames are numbered from 0 as decoded
// from the start of the file, so frame k here is frame k of a FrameSource over the same file.
//
// Threading: one thread at a time (the studio's inference worker owns it).
#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>
#include <string>

namespace revcol {

class VideoReader {
 public:
  // Opens the file and counts its frames. Throws revcol::Error when OpenCV cannot decode it.
  explicit VideoReader(const std::string& path);

  const std::string& path() const { return path_; }
  // Frames in the file (decoded count when the container's declared count was unreliable).
  int64_t frameCount() const { return count_; }
  double fps() const { return fps_; }  // 0 when the file declares none

  // 8-bit RGB of frame `index`. Reading forward is a decode per frame; going back reopens the file
  // and decodes forward from the start of the file, so the pixels never depend on the container's
  // seek accuracy. Throws revcol::Error for an index out of range or a frame that fails to decode.
  cv::Mat read(int64_t index);

 private:
  void reopen();

  std::string path_;
  cv::VideoCapture cap_;
  int64_t count_ = 0;
  double fps_ = 0;
  int64_t next_ = 0;  // index of the frame the next grab() returns
  cv::Mat last_;      // the most recently returned frame (re-reading it costs nothing)
  int64_t last_index_ = -1;
};

}  // namespace revcol
