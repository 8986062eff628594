#include "revcol/video_reader.h"

#include <opencv2/imgproc.hpp>

#include "revcol/error.h"

namespace revcol {

VideoReader::VideoReader(const std::string& path) : path_(path) {
  reopen();
  fps_ = cap_.get(cv::CAP_PROP_FPS);
  if (!(fps_ > 0 && fps_ < 10000)) fps_ = 0;
  // Containers often declare a frame count that is off by a few (or none at all): count by grabbing,
  // which decodes no pixels and is fast, so that the player's timeline is exact.
  while (cap_.grab()) ++count_;
  if (count_ == 0) throw Error("cannot read video " + path + ": it has no decodable frames");
  reopen();
}

void VideoReader::reopen() {
  cap_.release();
  // FFmpeg first, as the batch FrameSource does: the same decoder gives the same pixels.
  if (!cap_.open(path_, cv::CAP_FFMPEG) && !cap_.open(path_, cv::CAP_ANY))
    throw Error("cannot open video " + path_ + ": OpenCV has no decoder for it");
  next_ = 0;
}

cv::Mat VideoReader::read(int64_t index) {
  if (index < 0 || index >= count_)
    throw Error("frame " + std::to_string(index) + " is outside video " + path_ + " (" + std::to_string(count_) +
                " frames)");
  if (index == last_index_) return last_;
  if (index < next_) reopen();
  while (next_ < index) {
    if (!cap_.grab()) throw Error("cannot decode frame " + std::to_string(next_) + " of " + path_);
    ++next_;
  }
  cv::Mat bgr;
  if (!cap_.read(bgr) || bgr.empty()) throw Error("cannot decode frame " + std::to_string(index) + " of " + path_);
  ++next_;
  cv::Mat rgb;
  if (bgr.channels() == 1)
    cv::cvtColor(bgr, rgb, cv::COLOR_GRAY2RGB);
  else
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  last_ = rgb;
  last_index_ = index;
  return rgb;
}

}  // namespace revcol
