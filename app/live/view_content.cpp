#include "view_content.h"

namespace revcol::live {

ViewContent::Changes ViewContent::update(const cv::Mat& live, uint64_t live_seq,
                                         std::shared_ptr<const LiveResult> result, uint64_t generation) {
  Changes changes;
  if (live_seq != live_seq_ && !live.empty()) {
    live_ = live;
    live_seq_ = live_seq;
    changes.live = true;
  }
  if (result && generation != generation_) {
    generation_ = generation;
    result_ = std::move(result);
    changes.result = true;
  }
  return changes;
}

const cv::Mat& ViewContent::input() const {
  static const cv::Mat none;
  return result_ ? result_->frame : none;
}

bool ViewContent::showLiveInset() const {
  if (!result_ || live_.empty() || live_seq_ == result_->frame_seq) return false;
  return live_.data != result_->frame.data;
}

}  // namespace revcol::live
