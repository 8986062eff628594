#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "revcol/error.h"
#include "revcol/image_io.h"

namespace fs = std::filesystem;

TEST(ImageIo, RoundTripsRgbThroughPngExactly) {
  cv::Mat img(5, 7, CV_8UC3);
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x) img.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(10 * x), uchar(20 * y), 200);
  fs::path file = fs::temp_directory_path() / "revcol_image_io_test.png";
  revcol::saveImageAtomic(file.string(), img);
  cv::Mat back = revcol::loadImageRgb(file.string());
  ASSERT_EQ(back.size(), img.size());
  EXPECT_EQ(cv::norm(back, img, cv::NORM_INF), 0.0);
  // Channel order is RGB in memory: the red channel holds 10 * x.
  EXPECT_EQ(back.at<cv::Vec3b>(0, 3)[0], 30);
  fs::remove(file);
}

TEST(ImageIo, NonImageFileIsAClearError) {
  fs::path file = fs::temp_directory_path() / "revcol_not_an_image.png";
  std::ofstream(file) << "definitely not a PNG";
  try {
    revcol::loadImageRgb(file.string());
    FAIL() << "expected revcol::Error";
  } catch (const revcol::Error& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
  fs::remove(file);
}

TEST(ImageIo, FolderOrMissingFileSaysWhich) {
  auto message = [](const std::string& path) {
    try {
      revcol::loadImageRgb(path);
    } catch (const revcol::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string folder = fs::temp_directory_path().string();
  EXPECT_NE(message(folder).find("is a folder"), std::string::npos) << message(folder);
  const std::string missing = (fs::temp_directory_path() / "revcol_no_such_image.png").string();
  EXPECT_NE(message(missing).find("no such file"), std::string::npos) << message(missing);
}

TEST(Cli, VersionExitsZeroAndUnknownCommandExitsNonZero) {
  EXPECT_EQ(std::system(REVCOL_CLI " --version > /dev/null"), 0);
  EXPECT_NE(std::system(REVCOL_CLI " frobnicate 2> /dev/null"), 0);
}
