#pragma once
// Where frames come from: a webcam (an index such as "0"), a video file (looped) or a still image.
// A capture thread reads at the source's own pace and keeps only the newest frame, so neither the
// render loop nor the model ever waits on the camera.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>
#include <string>
#include <thread>

#include "frame_feed.h"

namespace revcol::live {

class FrameSource : public FrameFeed {
 public:
  // Opens the source; throws revcol::Error with a message naming it when it cannot be read.
  explicit FrameSource(const std::string& spec);
  ~FrameSource() override;
  FrameSource(const FrameSource&) = delete;
  FrameSource& operator=(const FrameSource&) = delete;

  // The newest frame (8-bit RGB) and its sequence number (starts at 1; 0 = nothing yet). A still
  // image counts as a new frame every 1/30 s, like a camera pointed at a still scene, so the model
  // keeps running and its fps stays meaningful.
  uint64_t latest(cv::Mat& rgb) const override;
  std::string description() const override { return description_; }

 private:
  void captureLoop();

  std::string description_;
  cv::VideoCapture capture_;
  cv::Mat still_;
  double period_s_ = 1.0 / 30.0;
  bool is_video_file_ = false;
  mutable std::mutex mutex_;
  cv::Mat frame_;
  uint64_t seq_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace revcol::live
