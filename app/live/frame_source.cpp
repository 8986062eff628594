#include "frame_source.h"

#include <chrono>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "revcol/error.h"
#include "revcol/image_io.h"

namespace revcol::live {

namespace {

bool isCameraIndex(const std::string& s) {
  return !s.empty() && s.size() <= 3 && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

FrameSource::FrameSource(const std::string& spec) {
  if (isCameraIndex(spec)) {
    if (!capture_.open(std::stoi(spec))) throw Error("cannot open webcam " + spec + " (is a camera connected?)");
    description_ = "webcam " + spec;
  } else {
    if (!std::filesystem::exists(spec)) throw Error("input " + spec + " does not exist");
    if (cv::haveImageReader(spec)) {
      still_ = loadImageRgb(spec);
      description_ = std::filesystem::path(spec).filename().string();
    } else {
      if (!capture_.open(spec)) throw Error("cannot read " + spec + " as an image or a video");
      is_video_file_ = true;
      double fps = capture_.get(cv::CAP_PROP_FPS);
      if (fps > 1 && fps < 240) period_s_ = 1.0 / fps;
      description_ = std::filesystem::path(spec).filename().string() + " (video)";
    }
  }
  thread_ = std::thread([this] { captureLoop(); });
}

FrameSource::~FrameSource() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

uint64_t FrameSource::latest(cv::Mat& rgb) const {
  std::lock_guard<std::mutex> lock(mutex_);
  rgb = frame_;
  return seq_;
}

void FrameSource::captureLoop() {
  using clock = std::chrono::steady_clock;
  auto next = clock::now();
  while (!stop_) {
    cv::Mat rgb;
    if (!still_.empty()) {
      rgb = still_;  // shared, never written
    } else {
      cv::Mat bgr;
      // A webcam's read() blocks until its next frame: that is the pacing. A file is paced below.
      if (!capture_.read(bgr) || bgr.empty()) {
        if (is_video_file_ && capture_.set(cv::CAP_PROP_POS_FRAMES, 0)) continue;  // loop the video
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      if (bgr.channels() == 1)
        cv::cvtColor(bgr, rgb, cv::COLOR_GRAY2RGB);
      else
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      frame_ = rgb;
      ++seq_;
    }
    if (still_.empty() && !is_video_file_) continue;
    next += std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(period_s_));
    auto now = clock::now();
    if (next < now) next = now;
    std::this_thread::sleep_until(next);
  }
}

}  // namespace revcol::live
