// Folders and videos in the real window: stepping, playback, the per-frame cache and the timeline.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "inference_worker.h"
#include "main_window.h"
#include "revcol_widgets/error_plot.h"
#include "revcol_widgets/player_bar.h"
#include "revcol_widgets/timeline_plot.h"
#include "window_wait.h"

namespace fs = std::filesystem;
using revcol::studio::MainWindow;
using revcol::studio::testing::openAndWait;
using revcol::studio::testing::waitFor;

namespace {

const QString kData = REVCOL_TEST_DATA;
const QString kCheckpoint = kData + "/cls/cls_revcol_s4_k3.pth";

cv::Mat pattern(int seed, int w = 96, int h = 80) {
  cv::Mat m(h, w, CV_8UC3);
  cv::randu(m, cv::Scalar::all(0), cv::Scalar::all(255));
  m += cv::Scalar(seed * 40 % 255, 0, 0);
  return m;
}

fs::path freshDir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

QString writeVideo(const fs::path& dir, int frames) {
  const std::string path = (dir / "clip.mp4").string();
  cv::VideoWriter w(path, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 25.0, cv::Size(96, 80));
  EXPECT_TRUE(w.isOpened());
  for (int i = 0; i < frames; ++i) w.write(pattern(i));
  return QString::fromStdString(path);
}

}  // namespace

TEST(StudioSequence, FolderStepsForwardAndServesVisitedFramesFromTheCache) {
  const fs::path dir = freshDir("revcol_studio_folder");
  for (int i = 0; i < 3; ++i) cv::imwrite((dir / ("img" + std::to_string(i) + ".png")).string(), pattern(i));
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kCheckpoint, QString::fromStdString(dir.string())));
  EXPECT_EQ(w.sequence().frames, 3);
  EXPECT_TRUE(w.player()->isVisible());
  EXPECT_EQ(w.lastResult()->frame.path, QString::fromStdString((dir / "img0.png").string()));

  w.player()->stepBy(1);
  ASSERT_TRUE(waitFor(
      [&]() { return w.idle() && w.position() == 1 && w.lastResult()->frame.path.endsWith("img1.png"); }, 60000));
  const int analysed = w.analysesRequested();
  EXPECT_EQ(w.cache().size(), 2u);
  // Back to the first image: shown from the cache, without running the model again.
  w.player()->stepBy(-1);
  EXPECT_EQ(w.position(), 0);
  EXPECT_TRUE(w.lastResult()->frame.path.endsWith("img0.png"));
  EXPECT_EQ(w.analysesRequested(), analysed);
  EXPECT_TRUE(w.idle());
  // The timeline has the four levels' errors and the confidence for the frames seen.
  EXPECT_EQ(w.timeline()->graphCount(), 5);
}

TEST(StudioSequence, CorruptImageInAFolderIsAMessageAndTheNextImageStillWorks) {
  const fs::path dir = freshDir("revcol_studio_folder_corrupt");
  cv::imwrite((dir / "a.png").string(), pattern(1));
  {
    QFile f(QString::fromStdString((dir / "b.png").string()));
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("this is not a PNG");
  }
  cv::imwrite((dir / "c.png").string(), pattern(2));
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kCheckpoint, QString::fromStdString(dir.string())));
  w.showPosition(1);
  ASSERT_TRUE(waitFor([&]() { return w.idle(); }, 60000));
  EXPECT_TRUE(w.errorMessage().contains("b.png")) << w.errorMessage().toStdString();
  w.showPosition(2);
  ASSERT_TRUE(waitFor([&]() { return w.idle() && w.lastResult()->frame.path.endsWith("c.png"); }, 60000));
}

TEST(StudioSequence, VideoPlaysToTheEndCachingEveryFrameAndScrubsBackInstantly) {
  const QString video = writeVideo(freshDir("revcol_studio_video"), 6);
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kCheckpoint, video));
  EXPECT_EQ(w.sequence().frames, 6);
  EXPECT_NEAR(w.sequence().fps, 25.0, 1e-6);
  EXPECT_EQ(w.lastResult()->frame.index, 0);

  w.setPlaying(true);
  ASSERT_TRUE(waitFor([&]() { return !w.player()->playing(); }, 120000)) << "playback never stopped";
  ASSERT_TRUE(waitFor([&]() { return w.idle(); }, 60000));
  EXPECT_EQ(w.position(), 5);
  EXPECT_EQ(w.lastResult()->frame.index, 5);
  EXPECT_EQ(w.cache().size(), 6u);
  EXPECT_TRUE(w.player()->positionText().startsWith("frame 6 / 6")) << w.player()->positionText().toStdString();

  const auto last = w.lastResult();
  const int analysed = w.analysesRequested();
  w.showPosition(2);  // scrub back
  EXPECT_EQ(w.lastResult()->frame.index, 2);
  EXPECT_EQ(w.analysesRequested(), analysed);
  // Frames differ, so their results do too.
  EXPECT_NE(w.lastResult()->analysis.heads.back().logits, last->analysis.heads.back().logits);
}

TEST(StudioSequence, PlaybackLeavesFloat64OutAndPausingOnAFrameCompletesIt) {
  const QString video = writeVideo(freshDir("revcol_studio_video_float64"), 4);
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kCheckpoint, video));
  // A frame analysed while nothing plays gets its float64 reconstructions before the window idles.
  EXPECT_TRUE(revcol::studio::hasFloat64(*w.lastResult()));
  EXPECT_EQ(w.errorPlot()->seriesCount(), 8);  // 4 levels x (fp32, fp64)

  w.setPlaying(true);
  ASSERT_TRUE(waitFor([&]() { return !w.player()->playing(); }, 120000)) << "playback never stopped";
  ASSERT_TRUE(waitFor([&]() { return w.idle(); }, 60000));
  // Where playback stopped, float64 follows.
  EXPECT_EQ(w.lastResult()->frame.index, 3);
  EXPECT_TRUE(revcol::studio::hasFloat64(*w.lastResult()));
  const int analysed = w.analysesRequested();

  // A frame played through was analysed in float32 only: shown from the cache at once, then
  // completed in float64 without analysing the frame again.
  w.showPosition(1);
  EXPECT_EQ(w.lastResult()->frame.index, 1);
  EXPECT_FALSE(revcol::studio::hasFloat64(*w.lastResult()));
  EXPECT_EQ(w.errorPlot()->seriesCount(), 4);
  ASSERT_TRUE(waitFor([&]() { return w.idle() && revcol::studio::hasFloat64(*w.lastResult()); }, 60000));
  EXPECT_EQ(w.lastResult()->frame.index, 1);
  EXPECT_EQ(w.errorPlot()->seriesCount(), 8);
  EXPECT_EQ(w.analysesRequested(), analysed);
  // And the cache now holds the completed result: back on it, nothing more runs.
  w.showPosition(2);
  ASSERT_TRUE(waitFor([&]() { return w.idle() && w.lastResult()->frame.index == 2; }, 60000));
  w.showPosition(1);
  EXPECT_TRUE(revcol::studio::hasFloat64(*w.lastResult()));
  EXPECT_TRUE(w.idle());
}

TEST(StudioSequence, MissingInputAndAbsentCameraAreMessagesNotCrashes) {
  MainWindow w;
  w.show();
  EXPECT_FALSE(w.openInput(kData + "/no_such_video.mp4"));
  EXPECT_TRUE(w.hadError());
  w.openCheckpoint(kCheckpoint);
  ASSERT_TRUE(waitFor([&]() { return w.idle(); }, 60000));
  ASSERT_TRUE(w.openInput("webcam:57"));
  w.setPlaying(true);
  ASSERT_TRUE(waitFor([&]() { return w.idle() && !w.player()->playing(); }, 60000));
  EXPECT_TRUE(w.errorMessage().contains("57")) << w.errorMessage().toStdString();
}
