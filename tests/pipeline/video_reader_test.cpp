// Random access into a video: any order of reads gives the pixels of a sequential pass.
#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "revcol/error.h"
#include "revcol/frame_source.h"
#include "revcol/video_reader.h"

namespace fs = std::filesystem;
using namespace revcol;

namespace {

// Frame i: a textured pattern shifted by i pixels (so neighbouring frames differ everywhere).
std::string writeMovingVideo(const fs::path& dir, int frames) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "moving.mp4").string();
  cv::VideoWriter w(path, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 12.0, cv::Size(96, 64));
  EXPECT_TRUE(w.isOpened());
  for (int i = 0; i < frames; ++i) {
    cv::Mat f(64, 96, CV_8UC3);
    for (int y = 0; y < 64; ++y)
      for (int x = 0; x < 96; ++x)
        f.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(((x + 3 * i) / 8 % 2) * 200), uchar(y * 3), uchar(i * 9));
    w.write(f);
  }
  return path;
}

double maxDiff(const cv::Mat& a, const cv::Mat& b) {
  double m = 0;
  cv::Mat d;
  cv::absdiff(a, b, d);
  cv::minMaxLoc(d.reshape(1), nullptr, &m);
  return m;
}

}  // namespace

TEST(VideoReader, CountsFramesAndRandomReadsEqualTheSequentialPass) {
  const std::string path = writeMovingVideo(fs::temp_directory_path() / "revcol_video_reader", 20);
  std::vector<cv::Mat> sequential;
  auto source = openFrameSource(path);
  Frame f;
  while (source->next(f)) sequential.push_back(f.rgb.clone());
  ASSERT_EQ(sequential.size(), 20u);

  VideoReader reader(path);
  EXPECT_EQ(reader.frameCount(), 20);
  EXPECT_NEAR(reader.fps(), 12.0, 1e-6);
  for (int64_t i : {5, 6, 19, 0, 13, 12, 12, 2}) {
    cv::Mat rgb = reader.read(i);
    ASSERT_EQ(rgb.size(), sequential[size_t(i)].size());
    EXPECT_EQ(maxDiff(rgb, sequential[size_t(i)]), 0.0) << "frame " << i;
  }
}

TEST(VideoReader, OutOfRangeFramesAndUnreadableFilesAreErrors) {
  const fs::path dir = fs::temp_directory_path() / "revcol_video_reader_bad";
  const std::string path = writeMovingVideo(dir, 3);
  VideoReader reader(path);
  EXPECT_THROW(reader.read(3), Error);
  EXPECT_THROW(reader.read(-1), Error);
  const std::string junk = (dir / "junk.mp4").string();
  FILE* out = std::fopen(junk.c_str(), "wb");
  std::fputs("not a video", out);
  std::fclose(out);
  EXPECT_THROW(VideoReader{junk}, Error);
}
