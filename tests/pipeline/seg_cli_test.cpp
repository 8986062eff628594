// revcol-cli segment end to end on the mmseg fixture: the three files per input, their sizes and
// contents, --raw arrays, and one-line errors.
#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>

#include "cli_runner.h"
#include "revcol/npy.h"

namespace fs = std::filesystem;

namespace {

CliRun cli(const std::string& arguments, const std::string& err_file = "/dev/null") {
  return runRevcolCli(arguments, "2>" + err_file);
}

const std::string kData = std::string(REVCOL_TEST_DATA) + "/seg/";
const std::string kCkpt = kData + "seg_upernet_revcol_shrunk.pth";
const std::string kImage = kData + "seg_input.png";

fs::path freshDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("revcol_seg_cli_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

}  // namespace

TEST(SegCli, WritesLabelOverlayAndJsonAtTheOriginalSize) {
  const fs::path out = freshDir("whole");
  CliRun r = cli("segment --checkpoint " + kCkpt + " --mode whole --out " + out.string() + " " + kImage);
  ASSERT_EQ(r.status, 0) << r.out;
  const cv::Mat label = cv::imread((out / "seg_input_label.png").string(), cv::IMREAD_UNCHANGED);
  ASSERT_FALSE(label.empty());
  EXPECT_EQ(label.type(), CV_8U);
  EXPECT_EQ(label.size(), cv::Size(640, 480));
  // The label map is the one the parity test checks: compare with mmseg's on the large margins.
  const cv::Mat want = cv::imread(kData + "seg_whole_label.png", cv::IMREAD_UNCHANGED);
  const cv::Mat margin = cv::imread(kData + "seg_whole_small_margin.png", cv::IMREAD_UNCHANGED);
  cv::Mat differ = (label != want) & (margin == 0);
  EXPECT_LE(cv::countNonZero(differ), int(0.001 * 640 * 480));
  const cv::Mat overlay = cv::imread((out / "seg_input_overlay.png").string(), cv::IMREAD_UNCHANGED);
  EXPECT_EQ(overlay.size(), cv::Size(640, 480));
  EXPECT_EQ(overlay.type(), CV_8UC3);
  const auto j = nlohmann::json::parse(readAll(out / "seg_input.json"));
  EXPECT_EQ(j["settings"]["mode"], "whole");
  EXPECT_EQ(j["settings"]["scale"], nlohmann::json({2048, 512}));
  EXPECT_EQ(j["original_size"], nlohmann::json({640, 480}));
  EXPECT_EQ(j["resized_size"], nlohmann::json({683, 512}));
  EXPECT_EQ(j["num_classes"], 150);
  ASSERT_FALSE(j["classes"].empty());
  EXPECT_EQ(j["classes"][0]["index"], 73);
  double total = 0;
  int64_t pixels = 0;
  for (const auto& c : j["classes"]) {
    total += c["share"].get<double>();
    pixels += c["pixels"].get<int64_t>();
  }
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_EQ(pixels, 640 * 480);
  fs::remove_all(out);
}

TEST(SegCli, SlideDefaultsFromTheConfigAndRawArrays) {
  const fs::path out = freshDir("slide");
  CliRun r = cli("segment --checkpoint " + kCkpt + " --raw --out " + out.string() + " " + kImage);
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(readAll(out / "seg_input.json"));
  EXPECT_EQ(j["settings"]["mode"], "slide");  // the checkpoint config's test_cfg
  EXPECT_EQ(j["settings"]["crop_size"], nlohmann::json({512, 512}));
  EXPECT_EQ(j["settings"]["stride"], nlohmann::json({341, 341}));
  EXPECT_EQ(j["passes"].size(), 2u);
  const revcol::FloatArray c1 = revcol::loadNpy((out / "raw" / "seg_input_pass1_c1.npy").string());
  EXPECT_EQ(c1.shape, (std::vector<int64_t>{16, 64, 64}));
  const revcol::FloatArray dec = revcol::loadNpy((out / "raw" / "seg_input_pass0_decode_logits.npy").string());
  EXPECT_EQ(dec.shape, (std::vector<int64_t>{150, 128, 128}));
  fs::remove_all(out);
}

TEST(SegCli, BadArgumentsGiveOneLineAndNonZeroExit) {
  const fs::path err = fs::temp_directory_path() / ("revcol_seg_cli_err_" + std::to_string(::getpid()));
  for (const std::string& args :
       {"segment --checkpoint " + kCkpt + " --mode tiles " + kImage,
        "segment --checkpoint " + kCkpt + " --scale 2048 " + kImage,
        "segment --checkpoint " + std::string(REVCOL_TEST_DATA) + "/cls/cls_revcol_s4_k3.pth " + kImage,
        "segment --checkpoint " + kCkpt}) {
    CliRun r = cli(args, err.string());
    EXPECT_NE(r.status, 0) << args;
    const std::string text = readAll(err);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << args << ": " << text;
  }
  fs::remove(err);
}
