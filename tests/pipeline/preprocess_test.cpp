// Parity of the ImageNet eval preprocessing with torchvision 0.14 + Pillow 9.4.
// Expected files: tests/data/preprocess, made by make_preprocess_fixtures.py from torchvision and
// PIL themselves (and the shared fixture cls_input.pt['preproc_eval_out']).
// Tolerances: uint8 images must be equal pixel for pixel; the float output within 1e-6 max abs
// (measured: 0, it is bit-exact).
#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "revcol/error.h"
#include "revcol/image_io.h"
#include "revcol/npy.h"
#include "revcol/preprocess.h"

namespace {

const std::string kDir = std::string(REVCOL_TEST_DATA) + "/preprocess/";

cv::Mat load(const std::string& name) { return revcol::loadImageRgb(kDir + name); }

cv::Mat loadGray(const std::string& name) {
  cv::Mat m = cv::imread(kDir + name, cv::IMREAD_UNCHANGED);
  EXPECT_EQ(m.type(), CV_8UC1) << name;
  return m;
}

// Number of differing uint8 values (0 when equal); sizes must match.
int64_t countDiff(const cv::Mat& a, const cv::Mat& b) {
  EXPECT_EQ(a.size(), b.size());
  EXPECT_EQ(a.type(), b.type());
  if (a.size() != b.size() || a.type() != b.type()) return -1;
  cv::Mat d;
  cv::compare(a.reshape(1), b.reshape(1), d, cv::CMP_NE);
  return cv::countNonZero(d);
}

// Max abs difference of `got` (3 x H x W) subsampled by `stride` against `want` (3 x h x w).
double maxAbsDiff(const revcol::FloatArray& got, const revcol::FloatArray& want, int stride) {
  EXPECT_EQ(got.shape.size(), 3u);
  EXPECT_EQ(want.shape.size(), 3u);
  const int64_t H = got.shape[1], W = got.shape[2], h = want.shape[1], w = want.shape[2];
  EXPECT_EQ(want.shape[0], 3);
  EXPECT_EQ(h, (H + stride - 1) / stride);
  EXPECT_EQ(w, (W + stride - 1) / stride);
  double worst = 0;
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x) {
        const float a = got.values[(c * H + y * stride) * W + x * stride];
        const float b = want.values[(c * h + y) * w + x];
        worst = std::max(worst, static_cast<double>(std::fabs(a - b)));
      }
  return worst;
}

}  // namespace

TEST(Preprocess, OfficialEvalSettings) {
  auto p224 = revcol::officialImagenetEval(224);
  EXPECT_EQ(p224.mode, revcol::ResizeMode::CenterCrop);
  EXPECT_EQ(p224.size, 224);
  EXPECT_EQ(p224.resizeShorter, 256);
  EXPECT_EQ(revcol::officialImagenetEval(160).resizeShorter, 182);  // int(256 / 224 * 160)
  auto p384 = revcol::officialImagenetEval(384);
  EXPECT_EQ(p384.mode, revcol::ResizeMode::Warp);
  EXPECT_EQ(p384.size, 384);
  EXPECT_EQ(revcol::officialImagenetEval(640).mode, revcol::ResizeMode::Warp);
  EXPECT_THROW(revcol::officialImagenetEval(0), revcol::Error);
}

// The shared fixture: cls_preproc_src_240x320.png through the official transform.
TEST(Preprocess, MatchesTheSharedFixtureBitForBit) {
  cv::Mat src = load("cls_preproc_src_240x320.png");
  ASSERT_EQ(src.size(), cv::Size(320, 240));
  cv::Mat resized = revcol::resizeShorterSidePil(src, 256);
  EXPECT_EQ(resized.size(), cv::Size(341, 256));
  EXPECT_EQ(countDiff(resized, load("fixture_resized.png")), 0);
  cv::Mat u8 = revcol::preprocessImagenetU8(src, revcol::officialImagenetEval(224));
  EXPECT_EQ(countDiff(u8, load("fixture_out.png")), 0);

  revcol::FloatArray got = revcol::preprocessImagenet(src, revcol::officialImagenetEval(224));
  revcol::FloatArray want = revcol::loadNpy(kDir + "cls_preproc_eval_224.npy");
  ASSERT_EQ(got.shape, (std::vector<int64_t>{3, 224, 224}));
  ASSERT_EQ(want.shape, got.shape);
  const double diff = maxAbsDiff(got, want, 1);
  EXPECT_LE(diff, 1e-6);
  EXPECT_EQ(diff, 0.0) << "expected bit-exact ToTensor + Normalize";
}

struct Case {
  const char* name;
  revcol::ImagenetPreprocess p;
  bool hasResized;
};

class PreprocessCases : public testing::TestWithParam<Case> {};

TEST_P(PreprocessCases, MatchTorchvisionAndPil) {
  const Case& c = GetParam();
  const std::string name = c.name;
  cv::Mat src = load(name == "none" ? "cls_preproc_src_240x320.png" : name + "_src.png");
  if (c.hasResized) {
    cv::Mat resized = revcol::resizeShorterSidePil(src, c.p.resizeShorter);
    EXPECT_EQ(countDiff(resized, load(name + "_resized.png")), 0);
  }
  cv::Mat u8 = revcol::preprocessImagenetU8(src, c.p);
  EXPECT_EQ(countDiff(u8, load(name + "_out.png")), 0);
  revcol::FloatArray got = revcol::preprocessImagenet(src, c.p);
  revcol::FloatArray want = revcol::loadNpy(kDir + name + "_out_sub3.npy");
  const double diff = maxAbsDiff(got, want, 3);
  EXPECT_LE(diff, 1e-6);
  EXPECT_EQ(diff, 0.0);
}

INSTANTIATE_TEST_SUITE_P(
    Official, PreprocessCases,
    testing::Values(Case{"upscale", revcol::officialImagenetEval(224), true},   // 60x45 -> 341x256
                    Case{"odd", revcol::officialImagenetEval(224), true},       // 229x291 -> 256x325, top 50
                    Case{"gray", revcol::officialImagenetEval(224), true},      // 8-bit gray PNG
                    Case{"warp384", revcol::officialImagenetEval(384), false},  // 430x397 -> 384x384
                    Case{"none", revcol::ImagenetPreprocess{revcol::ResizeMode::None}, false}),
    [](const testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(Preprocess, GrayMatEqualsItsRgbExpansion) {
  cv::Mat gray = loadGray("gray_src.png");
  auto p = revcol::officialImagenetEval(224);
  EXPECT_EQ(countDiff(revcol::preprocessImagenetU8(gray, p), load("gray_out.png")), 0);
}

// Raw PIL Image.resize(BICUBIC) of the fixture source: shrink by 5.6x (wide support), enlarge, one
// axis only each way, and a single-channel image.
TEST(PilResize, EqualsPillowOnEveryByte) {
  cv::Mat src = load("cls_preproc_src_240x320.png");
  struct R {
    const char* file;
    int w, h;
  };
  for (const R& r : {R{"pil_down_57x41.png", 57, 41}, R{"pil_up_263x331.png", 263, 331},
                     R{"pil_vonly_320x100.png", 320, 100}, R{"pil_honly_31x240.png", 31, 240}}) {
    SCOPED_TRACE(r.file);
    EXPECT_EQ(countDiff(revcol::resizeBicubicPil(src, r.w, r.h), load(r.file)), 0);
  }
  cv::Mat gray = loadGray("pil_gray_src.png");
  cv::Mat got = revcol::resizeBicubicPil(gray, 101, 77);
  EXPECT_EQ(got.type(), CV_8UC1);
  EXPECT_EQ(countDiff(got, loadGray("pil_gray_101x77.png")), 0);
}

TEST(PilResize, SameSizeIsACopyAndOpenCvCubicIsNotPillow) {
  cv::Mat src = load("cls_preproc_src_240x320.png");
  cv::Mat same = revcol::resizeBicubicPil(src, src.cols, src.rows);
  EXPECT_EQ(countDiff(same, src), 0);
  EXPECT_NE(same.data, src.data);
  // Why the reimplementation exists: OpenCV's cubic (no antialiasing, a = -0.75) is far off.
  cv::Mat cv2;
  cv::resize(src, cv2, cv::Size(57, 41), 0, 0, cv::INTER_CUBIC);
  EXPECT_GT(countDiff(cv2, load("pil_down_57x41.png")), 1000);
}

TEST(CenterCrop, RoundsHalfToEvenLikePython) {
  cv::Mat img(1, 257, CV_8UC1);
  for (int x = 0; x < img.cols; ++x) img.at<uint8_t>(0, x) = static_cast<uint8_t>(x);
  // (257 - 224) / 2 = 16.5 -> 16; (259 - 224) / 2 = 17.5 -> 18.
  EXPECT_EQ(revcol::centerCropTorchvision(img, 1, 224).at<uint8_t>(0, 0), 16);
  cv::Mat wider(1, 259, CV_8UC1);
  for (int x = 0; x < wider.cols; ++x) wider.at<uint8_t>(0, x) = static_cast<uint8_t>(x);
  EXPECT_EQ(revcol::centerCropTorchvision(wider, 1, 224).at<uint8_t>(0, 0), 18);
}

TEST(CenterCrop, PadsWithZerosLikeTorchvisionWhenTheImageIsSmaller) {
  cv::Mat img(3, 3, CV_8UC1, cv::Scalar(7));
  cv::Mat out = revcol::centerCropTorchvision(img, 6, 5);  // pad left 1, right 1, top 1, bottom 2
  ASSERT_EQ(out.size(), cv::Size(5, 6));
  EXPECT_EQ(out.at<uint8_t>(0, 0), 0);
  EXPECT_EQ(out.at<uint8_t>(1, 1), 7);
  EXPECT_EQ(out.at<uint8_t>(3, 3), 7);
  EXPECT_EQ(out.at<uint8_t>(4, 3), 0);
  EXPECT_EQ(out.at<uint8_t>(3, 4), 0);
}

TEST(Preprocess, BadInputsAreClearErrors) {
  EXPECT_THROW(revcol::preprocessImagenet(cv::Mat(), revcol::officialImagenetEval(224)), revcol::Error);
  EXPECT_THROW(revcol::preprocessImagenet(cv::Mat(4, 4, CV_32FC3), revcol::officialImagenetEval(224)), revcol::Error);
  EXPECT_THROW(revcol::resizeBicubicPil(cv::Mat(4, 4, CV_8UC3), 0, 5), revcol::Error);
  EXPECT_THROW(revcol::resizeShorterSidePil(cv::Mat(4, 4, CV_8UC3), -1), revcol::Error);
  EXPECT_THROW(revcol::centerCropTorchvision(cv::Mat(4, 4, CV_8UC3), 0, 2), revcol::Error);
  revcol::ImagenetPreprocess p;
  p.std = {0.2f, 0.0f, 0.2f};
  EXPECT_THROW(revcol::preprocessImagenet(cv::Mat(4, 4, CV_8UC3, cv::Scalar::all(1)), p), revcol::Error);
}
