#include "live_loop.h"

namespace revcol::live {

ViewContent::Changes pumpFrames(const FrameFeed& feed, LiveWorker& worker, bool paused, ViewContent& content) {
  cv::Mat latest;
  uint64_t seq = content.liveSeq();
  if (!paused) {
    seq = feed.latest(latest);
    if (seq != content.liveSeq() && !latest.empty()) worker.submitFrame(latest, seq);
  }
  uint64_t generation = 0;
  std::shared_ptr<const LiveResult> result = worker.result(&generation);
  return content.update(latest, seq, std::move(result), generation);
}

}  // namespace revcol::live
