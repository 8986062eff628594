// Frame sources (video, folder, image), the frame pipeline's ordering / bounds / errors, and the
// figures drawn for export.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <random>
#include <thread>

#include "revcol/error.h"
#include "revcol/feature_grid_image.h"
#include "revcol/frame_pipeline.h"
#include "revcol/frame_source.h"
#include "revcol/level_name.h"

namespace fs = std::filesystem;
using namespace revcol;

namespace {

fs::path freshDir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// A video whose frame i is a flat colour with value 20 * i in the blue channel.
std::string writeVideo(const fs::path& dir, int frames, double fps) {
  const std::string path = (dir / "clip.mp4").string();
  cv::VideoWriter w(path, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps, cv::Size(64, 48));
  EXPECT_TRUE(w.isOpened());
  for (int i = 0; i < frames; ++i) w.write(cv::Mat(48, 64, CV_8UC3, cv::Scalar(10 * i, 100, 50)));
  return path;
}

std::vector<Frame> readAll(FrameSource& s) {
  std::vector<Frame> out;
  Frame f;
  while (s.next(f)) out.push_back(f);
  return out;
}

}  // namespace

TEST(FrameSource, VideoFramesCarryIndexAndTimestamp) {
  const fs::path dir = freshDir("revcol_frame_source_video");
  const std::string video = writeVideo(dir, 10, 10.0);
  EXPECT_EQ(classifyInput(video), SourceKind::Video);
  auto all = openFrameSource(video);
  EXPECT_EQ(all->expectedFrames(), 10);
  EXPECT_DOUBLE_EQ(all->fps(), 10.0);
  std::vector<Frame> frames = readAll(*all);
  ASSERT_EQ(frames.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(frames[size_t(i)].index, i);
    EXPECT_NEAR(frames[size_t(i)].timestamp_s, i / 10.0, 1e-9);
    ASSERT_EQ(frames[size_t(i)].status, Frame::Status::Decoded);
    EXPECT_EQ(frames[size_t(i)].rgb.size(), cv::Size(64, 48));
    EXPECT_NEAR(frames[size_t(i)].rgb.at<cv::Vec3b>(20, 20)[2], 10 * i, 6);  // RGB: blue is last
  }

  FrameSourceOptions o;
  o.stride = 3;
  auto strided = openFrameSource(video, o);
  EXPECT_EQ(strided->expectedFrames(), 4);
  std::vector<int64_t> idx;
  for (const Frame& f : readAll(*strided)) idx.push_back(f.index);
  EXPECT_EQ(idx, (std::vector<int64_t>{0, 3, 6, 9}));

  o.stride = 1;
  o.start_s = 0.25;  // frames 3 .. 6 (0.3 s .. 0.6 s; the end is exclusive)
  o.end_s = 0.65;
  o.want_pixels = [](int64_t i) { return i != 4; };
  auto ranged = openFrameSource(video, o);
  EXPECT_EQ(ranged->expectedFrames(), 4);
  frames = readAll(*ranged);
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[0].index, 3);
  EXPECT_EQ(frames[3].index, 6);
  EXPECT_EQ(frames[1].status, Frame::Status::Skipped);
  EXPECT_TRUE(frames[1].rgb.empty());
  EXPECT_EQ(frames[2].status, Frame::Status::Decoded);
}

TEST(FrameSource, FolderIsSortedOptionallyRecursiveAndACorruptFileFailsOnlyItsFrame) {
  const fs::path dir = freshDir("revcol_frame_source_folder");
  fs::create_directories(dir / "sub");
  const cv::Mat img(8, 8, CV_8UC3, cv::Scalar(1, 2, 3));
  for (const char* n : {"b.png", "a.png", "c.jpg", "sub/d.png"}) cv::imwrite((dir / n).string(), img);
  std::ofstream(dir / "broken.png") << "not a png at all";
  std::ofstream(dir / "notes.txt") << "ignored";

  std::vector<std::string> files = listImageFiles(dir.string(), false);
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(fs::path(files[0]).filename(), "a.png");
  EXPECT_EQ(fs::path(files[1]).filename(), "b.png");
  EXPECT_EQ(fs::path(files[2]).filename(), "broken.png");
  EXPECT_EQ(fs::path(files[3]).filename(), "c.jpg");
  EXPECT_EQ(listImageFiles(dir.string(), true).size(), 5u);

  auto source = openFrameSource(dir.string());
  EXPECT_EQ(source->kind(), SourceKind::Folder);
  std::vector<Frame> frames = readAll(*source);
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[2].status, Frame::Status::Failed);
  EXPECT_NE(frames[2].error.find("broken.png"), std::string::npos);
  EXPECT_EQ(frames[3].status, Frame::Status::Decoded);
  EXPECT_EQ(frames[3].index, 3);

  EXPECT_EQ(classifyInput((dir / "a.png").string()), SourceKind::Image);
  EXPECT_EQ(classifyInput("webcam:0"), SourceKind::Webcam);
  EXPECT_THROW(classifyInput("webcam:x"), Error);
  EXPECT_THROW(openFrameSource((dir / "missing.mp4").string()), Error);
  FrameSourceOptions bad;
  bad.stride = 0;
  EXPECT_THROW(openFrameSource(dir.string(), bad), Error);
}

TEST(FramePipeline, DeliversInOrderWithinAMemoryCeilingAndPropagatesErrors) {
  FramePipelineOptions o;
  o.queue_capacity = 2;
  o.render_threads = 3;
  FramePipeline<int> pipeline(o);
  std::atomic<int> live{0}, peak{0};
  int produced = 0;
  std::vector<int> consumed;
  std::mt19937 rng(1);
  std::mutex rng_mutex;
  FramePipeline<int>::Stages s;
  s.produce = [&](int& v) {
    if (produced == 200) return false;
    v = produced++;
    peak = std::max(peak.load(), ++live);
    return true;
  };
  s.infer = [](int&) {};
  s.render = [&](int&) {
    int us;
    {
      std::lock_guard<std::mutex> lock(rng_mutex);
      us = int(rng() % 300);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(us));
  };
  s.consume = [&](int& v) {
    consumed.push_back(v);
    --live;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  };
  pipeline.run(s);
  ASSERT_EQ(consumed.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(consumed[size_t(i)], i);
  // queue_capacity * 3 + render_threads + 2 (one item in produce, one in infer)
  EXPECT_LE(peak.load(), 2 * 3 + 3 + 2);

  FramePipeline<int> failing(o);
  int n = 0;
  s.produce = [&](int& v) {
    v = n++;
    return true;  // endless: only the error stops it
  };
  s.infer = [](int& v) {
    if (v == 17) throw Error("frame 17 is bad");
  };
  s.consume = [](int&) {};
  EXPECT_THROW(failing.run(s), Error);
}

TEST(FeatureGridImage, GridHasOneCellPerLevelAndColumnAndOverlayKeepsTheFrame) {
  std::vector<ColumnAnalysis> cols(3);
  const int64_t ch[4] = {2, 3, 4, 5}, side[4] = {16, 8, 4, 2};
  for (int c = 0; c < 3; ++c)
    for (int l = 0; l < 4; ++l) {
      FloatArray& a = cols[size_t(c)].levels[size_t(l)];
      a.shape = {ch[l], side[l], side[l]};
      a.values.resize(size_t(a.numel()));
      for (size_t i = 0; i < a.values.size(); ++i) a.values[i] = float((i * 7 + size_t(c)) % 13);
    }
  FeatureGridStyle style;
  style.cell = 32;
  const cv::Mat grid = renderFeatureGrid(cols, style);
  EXPECT_EQ(grid.type(), CV_8UC3);
  // The left margin holds the row labels, levelName(l) ("c3 (1/32)"), with 6 pixels either side.
  int widest = 0, baseline = 0;
  for (int l = 0; l < 4; ++l)
    widest = std::max(widest, cv::getTextSize(levelName(l), cv::FONT_HERSHEY_SIMPLEX, 0.4, 1, &baseline).width);
  const int margin = grid.cols - 3 * (32 + 2);
  EXPECT_GE(margin, widest + 12);
  EXPECT_GE(margin, 64);
  EXPECT_EQ(grid.rows, 22 + 4 * (32 + 2));
  // Row labels are drawn (light text on the dark margin) and end before the first cell.
  const cv::Mat margin_px = grid(cv::Rect(0, 22, margin, grid.rows - 22));
  cv::Mat gray;
  cv::cvtColor(margin_px, gray, cv::COLOR_RGB2GRAY);
  EXPECT_GT(cv::countNonZero(gray > 128), 20);
  EXPECT_EQ(cv::countNonZero(gray(cv::Rect(margin - 4, 0, 4, gray.rows)) > 128), 0);
  EXPECT_THROW(renderFeatureGrid({}, style), Error);

  HeadOutput head;
  head.top = {{3, 1.f, 0.5f}, {1, 0.5f, 0.25f}};
  const cv::Mat frame(40, 60, CV_8UC3, cv::Scalar(200, 10, 10));
  const cv::Mat overlay = renderClassificationOverlay(frame, &head, {"a", "b", "c", "d"}, 320);
  EXPECT_EQ(overlay.cols, 360);  // scaled up x6 so the text is legible
  EXPECT_EQ(overlay.rows, 240);
  EXPECT_EQ(overlay.at<cv::Vec3b>(230, 350), cv::Vec3b(200, 10, 10));  // outside the text box
  EXPECT_NE(overlay.at<cv::Vec3b>(8, 8), cv::Vec3b(200, 10, 10));      // shaded box
}
