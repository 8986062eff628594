#pragma once
// The newest frame of a source, as the render loop sees it. FrameSource (camera, video, image) is
// one; tests feed their own frames through the same loop (live_loop.h).
#include <cstdint>
#include <opencv2/core.hpp>
#include <string>

namespace revcol::live {

class FrameFeed {
 public:
  virtual ~FrameFeed() = default;
  // The newest frame (8-bit RGB) and its sequence number (starts at 1; 0 = nothing yet). Any
  // thread; the Mat is never written after it is handed out, so it can be kept and shared.
  virtual uint64_t latest(cv::Mat& rgb) const = 0;
  virtual std::string description() const = 0;
};

}  // namespace revcol::live
