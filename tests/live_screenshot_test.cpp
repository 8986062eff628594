// revcol-live end to end under Xvfb (Mesa): the fixture model on an image, frames rendered until the
// model's first result is on screen, the framebuffer read back and saved; the picture must not be
// blank and the run must report its display fps.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <opencv2/core.hpp>
#include <regex>
#include <string>

#include "revcol/image_io.h"

namespace {

std::string runAndCapture(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return out;
  char buf[512];
  while (fgets(buf, sizeof buf, pipe)) out += buf;
  status = pclose(pipe);
  return out;
}

}  // namespace

TEST(LiveScreenshot, RendersTheFixtureModelAndIsNotBlank) {
  const std::string xvfb = REVCOL_XVFB_RUN;
  if (xvfb.empty()) GTEST_SKIP() << "xvfb-run was not found at configure time (apt-get install xvfb)";
  const std::string out = std::string(REVCOL_TEST_OUTPUT) + "/live_screenshot.png";
  std::filesystem::remove(out);
  // --show-help: the screenshot also shows the key overlay. -a picks a free display number.
  // Under the asan preset, LeakSanitizer would report Mesa's and GLFW's own allocations at exit.
  const std::string cmd = "env ASAN_OPTIONS=detect_leaks=0 " + xvfb + " -a -s '-screen 0 1280x720x24' " + REVCOL_LIVE +
                          " " REVCOL_TEST_DATA "/cls/cls_input_224.png --checkpoint " REVCOL_TEST_DATA
                          "/cls/cls_revcol_s4_k3.pth --window 1280 720 --frames 90 --screenshot " +
                          out + " --show-help --report-fps";
  int status = -1;
  const std::string log = runAndCapture(cmd, status);
  ASSERT_EQ(status, 0) << cmd << "\n" << log;
  std::printf("%s", log.c_str());

  cv::Mat shot = revcol::loadImageRgb(out);
  EXPECT_EQ(shot.cols, 1280);
  EXPECT_EQ(shot.rows, 720);
  cv::Scalar mean, stddev;
  cv::meanStdDev(shot.reshape(1), mean, stddev);
  EXPECT_GT(stddev[0], 10.0) << "the screenshot looks blank";
  // The grid (right part of the window) holds coloured feature maps, not just the dark background.
  cv::Mat grid = shot(cv::Rect(shot.cols / 2, shot.rows / 6, shot.cols / 2, shot.rows * 2 / 3)).clone();
  cv::meanStdDev(grid.reshape(1), mean, stddev);
  EXPECT_GT(stddev[0], 10.0) << "the column grid looks empty";

  // "display fps: mean 59.8, worst 1 s window 57.0 (...)". Shared CI machines are slow and busy:
  // the 30 fps figure is measured by hand (README); here only a collapse of the render loop fails.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(log, m, std::regex(R"(display fps: mean ([0-9.]+))"))) << log;
  EXPECT_GT(std::stod(m[1]), 10.0) << log;
}

// The loading screen can be captured (--screenshot-at loading) and the start flags reach the view;
// a --column past the model's last column is refused once the model is known, in one line.
TEST(LiveScreenshot, LoadingScreenAndStartFlags) {
  const std::string xvfb = REVCOL_XVFB_RUN;
  if (xvfb.empty()) GTEST_SKIP() << "xvfb-run was not found at configure time (apt-get install xvfb)";
  const std::string run = "env ASAN_OPTIONS=detect_leaks=0 " + xvfb + " -a -s '-screen 0 1366x768x24' " + REVCOL_LIVE +
                          " " REVCOL_SOURCE_DIR "/resources/samples/fashion_scenes.mp4 --window 1366 768 ";
  const std::string demo = " --checkpoint " REVCOL_SOURCE_DIR "/models/demo/revcol_fashion_cls.pth";
  const std::string out = std::string(REVCOL_TEST_OUTPUT) + "/live_loading.png";
  std::filesystem::remove(out);
  int status = -1;
  std::string log = runAndCapture(run + demo + " --screenshot " + out + " --screenshot-at loading", status);
  ASSERT_EQ(status, 0) << log;
  cv::Mat shot = revcol::loadImageRgb(out);
  EXPECT_EQ(shot.cols, 1366);
  EXPECT_EQ(shot.rows, 768);
  cv::Scalar mean, stddev;
  cv::meanStdDev(shot.reshape(1), mean, stddev);
  EXPECT_GT(stddev[0], 10.0) << "the loading screen looks blank";

  const std::string modes = std::string(REVCOL_TEST_OUTPUT) + "/live_error_mode.png";
  log = runAndCapture(run + demo + " --mode error --column 3 --level c2 --frames 20 --screenshot " + modes, status);
  EXPECT_EQ(status, 0) << log;

  log = runAndCapture(run + demo + " --column 9 --frames 20", status);
  EXPECT_NE(status, 0);
  EXPECT_NE(log.find("revcol-live: --column 9: the model has 4 columns, numbered 0 to 3\n"), std::string::npos) << log;
}
