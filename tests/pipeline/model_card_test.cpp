// Model cards (CHECKPOINT.json beside a checkpoint): the trained image size is read, anything else
// leaves the default preprocessing in place.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>
#include <string>

#include "revcol/model_card.h"

namespace fs = std::filesystem;

namespace {

const fs::path kDir = fs::temp_directory_path() / "revcol_model_card_test";

// A checkpoint path whose card holds `card` (no card when it is empty). The checkpoint itself is
// never opened.
std::string checkpointWithCard(const std::string& name, const std::string& card) {
  fs::create_directories(kDir);
  const fs::path ckpt = kDir / (name + ".pth");
  fs::remove(fs::path(ckpt.string() + ".json"));
  if (!card.empty()) std::ofstream(ckpt.string() + ".json") << card;
  return ckpt.string();
}

}  // namespace

TEST(ModelCard, ImageSizeComesFromTheCardBesideTheCheckpoint) {
  EXPECT_EQ(revcol::modelCardImageSize(checkpointWithCard("sized", R"({"task": "classification", "image_size": 64})")),
            64);
  EXPECT_EQ(revcol::modelCardImageSize(REVCOL_SOURCE_DIR "/models/demo/revcol_fashion_cls.pth"), 64);
}

TEST(ModelCard, WhatTheCardDoesNotSayClearlyLeavesTheDefault) {
  for (const auto& [name, card] :
       std::vector<std::pair<std::string, std::string>>{{"none", ""},
                                                        {"corrupt", R"({"image_size": 64)"},
                                                        {"no_size", R"({"task": "classification"})"},
                                                        {"text_size", R"({"image_size": "64"})"},
                                                        {"fraction", R"({"image_size": 64.5})"},
                                                        {"too_small", R"({"image_size": 8})"},
                                                        {"too_large", R"({"image_size": 100000000000})"},
                                                        {"array", R"([64])"}})
    EXPECT_EQ(revcol::modelCardImageSize(checkpointWithCard(name, card)), 0) << name;
  EXPECT_EQ(revcol::modelCardImageSize("/nonexistent/dir/model.pth"), 0);
  fs::remove_all(kDir);
}

TEST(ModelCard, CardPreprocessWarpsTheWholeImageToTheSquare) {
  const revcol::ImagenetPreprocess p = revcol::cardPreprocess(64);
  const cv::Mat wide(90, 160, CV_8UC3, cv::Scalar(10, 200, 30));
  const revcol::FloatArray x = revcol::preprocessImagenet(wide, p);
  EXPECT_EQ(x.shape, (std::vector<int64_t>{3, 64, 64}));
  // A uniform image stays uniform: nothing cropped or padded. Red channel: (10 / 255 - 0.485) / 0.229.
  EXPECT_NEAR(x.values[0], (10 / 255.0 - 0.485) / 0.229, 1e-5);
  EXPECT_NEAR(x.values[64 * 64 - 1], x.values[0], 1e-6);
}
