// The input revcol-live draws and the maps beside it are of the same frame, even while a faster
// source keeps sending newer frames: a feed whose every frame is a different solid colour runs
// through the render loop's own data flow (pumpFrames) into the real worker and the fixture model;
// at every new result the drawn input must carry the maps' frame index, be that frame's pixels,
// and the maps and predictions must be what the model gives for exactly that frame.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "live_loop.h"
#include "live_result.h"
#include "live_worker.h"
#include "revcol/model.h"
#include "revcol/preprocess.h"
#include "view_content.h"

using namespace revcol;
using namespace revcol::live;

namespace {

// Frame k's colour: a hash of k, so neighbouring frames look nothing alike to the model.
cv::Vec3b colourOf(uint64_t seq) {
  uint64_t z = seq * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z ^= z >> 27;
  return {uint8_t(z), uint8_t(z >> 8), uint8_t(z >> 16)};
}

cv::Mat frameOf(uint64_t seq) {
  return cv::Mat(48, 64, CV_8UC3, cv::Scalar(colourOf(seq)[0], colourOf(seq)[1], colourOf(seq)[2]));
}

bool isFrame(const cv::Mat& rgb, uint64_t seq) {
  if (rgb.empty() || rgb.type() != CV_8UC3) return false;
  cv::Mat diff;
  cv::absdiff(rgb, frameOf(seq), diff);
  return cv::countNonZero(diff.reshape(1)) == 0;
}

// A camera faster than the model: a new frame every 2 ms, on its own thread, newest kept.
class ChangingFeed : public FrameFeed {
 public:
  ChangingFeed() {
    thread_ = std::thread([this] {
      while (!stop_) {
        cv::Mat next = frameOf(seq_ + 1);  // a new buffer per frame: handed-out frames are never written
        {
          std::lock_guard<std::mutex> lock(mutex_);
          frame_ = next;
          ++seq_;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
  }
  ~ChangingFeed() override {
    stop_ = true;
    thread_.join();
  }
  uint64_t latest(cv::Mat& rgb) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    rgb = frame_;
    return seq_;
  }
  std::string description() const override { return "changing colours"; }

 private:
  mutable std::mutex mutex_;
  cv::Mat frame_;
  uint64_t seq_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

double maxAbsDiff(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size() || a.type() != b.type()) return 1e9;
  return cv::norm(a, b, cv::NORM_INF);
}

}  // namespace

TEST(LiveFrameIdentity, DrawnInputAndMapsAreOfTheSameFrame) {
  // 64 px keeps the fixture model quick; one thread, as the reference analysis below.
  const ModelSpec spec{REVCOL_TEST_DATA "/cls/cls_revcol_s4_k3.pth", false, 64, 1, false};
  ChangingFeed feed;
  LiveWorker worker(spec);
  worker.setView({DisplayMode::MeanAbs, 0});
  ViewContent content;

  std::map<uint64_t, LiveResult> seen;  // frame index -> the result drawn with it
  int behind = 0;                       // results drawn while the feed had already moved on (what used to mismatch)
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (seen.size() < 6 && std::chrono::steady_clock::now() < deadline) {
    ASSERT_EQ(worker.error(), "");
    const ViewContent::Changes changes = pumpFrames(feed, worker, false, content);
    if (changes.result) {
      const uint64_t seq = content.inputSeq();
      ASSERT_GT(seq, 0u);
      EXPECT_EQ(seq, content.mapsSeq());
      EXPECT_EQ(content.result()->frame_seq, seq);
      // The input drawn (what LiveView::update uploads) is that frame's pixels, not the newest's.
      EXPECT_TRUE(isFrame(content.input(), seq)) << "input pixels are not frame " << seq;
      if (content.liveSeq() > seq) {
        ++behind;
        EXPECT_TRUE(content.showLiveInset());
        EXPECT_TRUE(isFrame(content.live(), content.liveSeq()));
        EXPECT_FALSE(isFrame(content.input(), content.liveSeq()));
      }
      seen[seq] = *content.result();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a render loop's pace
  }
  ASSERT_GE(seen.size(), 6u) << "the worker published too few results";
  EXPECT_GT(behind, 0) << "the feed never got ahead of the model: the test proved nothing";

  // The maps and predictions are the model's for exactly that frame (and not for its neighbour).
  LoadOptions load;
  load.threads = 1;
  RevColModel model = RevColModel::load(spec.checkpoint, load);
  AnalysisOptions options;
  options.added_maps = false;
  options.decoders = false;
  const ImagenetPreprocess prep = inputPreprocess(spec);
  for (const auto& [seq, drawn] : seen) {
    const LiveResult* result = &drawn;
    LiveResult expected = makeLiveResult(model.analyze(preprocessImagenet(frameOf(seq), prep), options), frameOf(seq),
                                         seq, result->view, {});
    LiveResult neighbour = makeLiveResult(model.analyze(preprocessImagenet(frameOf(seq + 1), prep), options),
                                          frameOf(seq + 1), seq + 1, result->view, {});
    ASSERT_EQ(result->heads.size(), expected.heads.size());
    ASSERT_FALSE(expected.heads.empty());
    double to_neighbour = 0;
    for (size_t h = 0; h < expected.heads.size(); ++h) {
      EXPECT_NEAR(result->heads[h].probability, expected.heads[h].probability, 1e-4) << "frame " << seq;
      to_neighbour = std::max(to_neighbour,
                              std::abs(double(neighbour.heads[h].probability) - double(expected.heads[h].probability)));
    }
    EXPECT_GT(to_neighbour, 1e-3) << "frames " << seq << " and " << seq + 1
                                  << " look alike to the model: the check cannot tell them apart";
    ASSERT_EQ(result->coloured.cells.size(), expected.coloured.cells.size());
    for (size_t c = 0; c < expected.coloured.cells.size(); ++c)
      for (size_t l = 0; l < 4; ++l)
        EXPECT_LE(maxAbsDiff(result->coloured.cells[c][l], expected.coloured.cells[c][l]), 2.0)
            << "frame " << seq << " column " << c << " level " << l;
  }
}

TEST(LiveFrameIdentity, PausedReadsNothingNew) {
  const ModelSpec spec{REVCOL_TEST_DATA "/cls/cls_revcol_s4_k3.pth", false, 64, 1, false};
  ChangingFeed feed;
  LiveWorker worker(spec);
  ViewContent content;
  pumpFrames(feed, worker, false, content);
  const uint64_t live = content.liveSeq();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  pumpFrames(feed, worker, true, content);
  EXPECT_EQ(content.liveSeq(), live);
}

// ViewContent alone: the input is the result's frame, the inset the newest; a still image, whose
// "new" frames share one buffer, needs no inset.
TEST(LiveFrameIdentity, TheInsetShowsOnlyANewerPicture) {
  ViewContent content;
  auto r = std::make_shared<LiveResult>();
  r->frame = frameOf(5);
  r->frame_seq = 5;
  ViewContent::Changes ch = content.update(frameOf(9), 9, r, 1);
  EXPECT_TRUE(ch.live && ch.result);
  EXPECT_TRUE(isFrame(content.input(), 5));
  EXPECT_EQ(content.inputSeq(), 5u);
  EXPECT_EQ(content.liveSeq(), 9u);
  EXPECT_TRUE(content.showLiveInset());
  ch = content.update(frameOf(9), 9, r, 1);  // nothing new
  EXPECT_FALSE(ch.live || ch.result);

  ViewContent still;
  auto s = std::make_shared<LiveResult>();
  s->frame = frameOf(1);
  s->frame_seq = 1;
  still.update(s->frame, 4, s, 1);  // frame 4 of a still image: the same pixels
  EXPECT_FALSE(still.showLiveInset());
}
