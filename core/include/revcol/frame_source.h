#pragma once
// Frames from images, folders, video files and webcams (OpenCV), one at a time, with a frame stride
// and a time range. Every frame carries its index in the source and its timestamp; a frame that
// cannot be decoded comes back with an error message instead of pixels, and the source goes on.
//
// Threading: a FrameSource is used by one thread at a time (the pipeline's decode thread).
#include <cstdint>
#include <functional>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace revcol {

enum class SourceKind { Image, Folder, Video, Webcam };
const char* toString(SourceKind kind);

struct FrameSourceOptions {
  int stride = 1;          // keep frames whose position (from the start of the range) is a multiple
  double start_s = 0.0;    // time range, videos and webcams only (seconds from the first frame)
  double end_s = -1.0;     // exclusive; < 0: to the end
  bool recursive = false;  // folders: also images in sub-folders
  // Asked before a frame's pixels are decoded (with the frame's index); false: the frame is still
  // returned, with status Skipped and no pixels (video frames are grabbed, not converted). Lets a
  // resumed or sharded export skip the work for frames it does not need.
  std::function<bool(int64_t index)> want_pixels;
};

struct Frame {
  enum class Status { Decoded, Skipped, Failed };
  Status status = Status::Decoded;
  int64_t index = 0;         // position in the source: video frame number, or image number in the folder listing
  double timestamp_s = 0.0;  // videos: index / fps; webcams: seconds since opening; images: 0
  std::string file;          // the image file (images, folders); the video file; "" for webcams
  cv::Mat rgb;               // 8-bit RGB when Decoded
  std::string error;         // when Failed: what went wrong, naming the file / frame
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // The next frame (respecting stride and time range); false at the end. A frame that fails to
  // decode is returned with status Failed; only an unusable source throws (at open).
  virtual bool next(Frame& frame) = 0;
  virtual SourceKind kind() const = 0;
  // How many frames next() will return, or -1 when unknown (webcams; videos without a frame count).
  virtual int64_t expectedFrames() const = 0;
  // Frames per second of a video or webcam (0 if unknown or not a video).
  virtual double fps() const { return 0.0; }
};

// True for file names OpenCV reads as still images (by extension, case-insensitive).
bool isImageFileName(const std::string& path);

// The image files of a folder in a stable order: paths sorted byte-wise (std::string <) relative to
// the folder, so every process lists the same files in the same order. Throws for a missing folder.
std::vector<std::string> listImageFiles(const std::string& folder, bool recursive);

// What an input argument names: "webcam:N" (camera N), a folder, an image file (by extension), or
// else a video file. Throws revcol::Error if the path does not exist.
SourceKind classifyInput(const std::string& input);

// Opens the input as classifyInput() names it. Throws revcol::Error (naming the input) if it cannot
// be opened at all (missing file, no video stream, no camera, a bad option).
std::unique_ptr<FrameSource> openFrameSource(const std::string& input, const FrameSourceOptions& options = {});

}  // namespace revcol
