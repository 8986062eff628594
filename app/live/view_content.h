#pragma once
// What the window shows, decided without OpenGL so tests can pin it. The big input picture is the
// frame the shown maps were computed from (the result's own pixels), never the newest one: with a
// model slower than the camera the two differ, and the class would compare a picture with maps of
// another. The newest source frame goes only to a small inset marked "live". Render thread only.
#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>

#include "live_result.h"

namespace revcol::live {

class ViewContent {
 public:
  struct Changes {
    bool live = false;    // the newest frame changed (upload the inset)
    bool result = false;  // a new result: upload the input and the cells together
  };

  // Takes the newest source frame and the worker's newest result (with its generation counter).
  Changes update(const cv::Mat& live, uint64_t live_seq, std::shared_ptr<const LiveResult> result, uint64_t generation);

  const LiveResult* result() const { return result_.get(); }
  // The input drawn beside the maps: the analysed frame (empty before the first result).
  const cv::Mat& input() const;
  uint64_t inputSeq() const { return result_ ? result_->frame_seq : 0; }
  // The frame the drawn maps were computed from.
  uint64_t mapsSeq() const { return result_ ? result_->frame_seq : 0; }
  const cv::Mat& live() const { return live_; }
  uint64_t liveSeq() const { return live_seq_; }
  // Whether the inset has something the input does not: a newer frame with other pixels (a still
  // image is counted as new frames that share one buffer; those need no inset).
  bool showLiveInset() const;

 private:
  cv::Mat live_;
  uint64_t live_seq_ = 0;
  std::shared_ptr<const LiveResult> result_;
  uint64_t generation_ = 0;
};

}  // namespace revcol::live
