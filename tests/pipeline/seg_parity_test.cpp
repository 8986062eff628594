// Parity with mmsegmentation (4eaa8e6, v0.27) + mmcv 1.5.0 on the UPerNet + RevCol fixture
// (tests/data/seg, copied from the shared fixtures; see their README, section (b)):
//  - the resized network input equals mmcv.imrescale's output bit for bit;
//  - backbone levels, decode-head logits and the logits at the original size are within 1e-4
//    relative L2 (expected noise between correct float32 implementations ~1e-6);
//  - label maps agree on >= 99.9 % of the pixels whose top-1/top-2 logit margin is >= 1e-3 (the
//    fixture marks the others; with such margins the argmax is decided by rounding noise).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <opencv2/imgcodecs.hpp>

#include "revcol/image_io.h"
#include "revcol/segmenter.h"

#include "relative_l2.h"

namespace revcol {
namespace {

constexpr double kTensorTolerance = 1e-4;
constexpr double kLabelAgreement = 0.999;

std::string seg(const std::string& file) { return std::string(REVCOL_TEST_DATA) + "/seg/" + file; }

const std::map<std::string, FloatArray>& expected() {
  static const std::map<std::string, FloatArray> m = [] {
    std::map<std::string, FloatArray> r;
    for (auto& [name, a] : readTensorArrays(seg("seg_tensors.pt"))) r[name] = std::move(a);
    return r;
  }();
  return m;
}

// a[:, ::step, ::step] of a C x H x W array.
FloatArray subsample(const FloatArray& a, int64_t step) {
  const int64_t c = a.shape.at(0), h = a.shape.at(1), w = a.shape.at(2);
  const int64_t hs = (h + step - 1) / step, ws = (w + step - 1) / step;
  FloatArray out;
  out.shape = {c, hs, ws};
  for (int64_t k = 0; k < c; ++k)
    for (int64_t y = 0; y < h; y += step)
      for (int64_t x = 0; x < w; x += step) out.values.push_back(a.values[size_t((k * h + y) * w + x)]);
  return out;
}

// Share of pixels (outside the small-margin mask) where the label maps agree.
double labelAgreement(const cv::Mat& got, const std::string& label_png, const std::string& margin_png,
                      int64_t* compared = nullptr, double* all_pixels = nullptr) {
  const cv::Mat want = cv::imread(seg(label_png), cv::IMREAD_UNCHANGED);
  const cv::Mat margin = cv::imread(seg(margin_png), cv::IMREAD_UNCHANGED);
  EXPECT_EQ(want.type(), CV_8U);
  EXPECT_EQ(got.type(), CV_8U);
  EXPECT_EQ(got.size(), want.size());
  EXPECT_EQ(margin.size(), want.size());
  int64_t same = 0, n = 0, same_all = 0;
  for (int y = 0; y < want.rows; ++y)
    for (int x = 0; x < want.cols; ++x) {
      same_all += got.at<uint8_t>(y, x) == want.at<uint8_t>(y, x);
      if (margin.at<uint8_t>(y, x) != 0) continue;
      ++n;
      same += got.at<uint8_t>(y, x) == want.at<uint8_t>(y, x);
    }
  if (compared) *compared = n;
  if (all_pixels) *all_pixels = double(same_all) / double(want.total());
  return n ? double(same) / double(n) : 0.0;
}

Segmenter& segmenter() {
  static Segmenter s = Segmenter::load(seg("seg_upernet_revcol_shrunk.pth"));
  return s;
}

TEST(SegParity, ResizeEqualsMmcvImrescale) {
  const cv::Mat input = loadImageRgb(seg("seg_input.png"));
  const cv::Mat want = loadImageRgb(seg("seg_resized.png"));
  EXPECT_EQ(mmsegRescaledSize(input.size(), 2048, 512), cv::Size(683, 512));
  EXPECT_EQ(mmsegRescaledSize(input.size(), 512, 2048), cv::Size(683, 512));  // order does not matter
  const cv::Mat got = mmsegResize(input, 2048, 512);
  ASSERT_EQ(got.size(), want.size());
  EXPECT_EQ(cv::norm(got, want, cv::NORM_INF), 0.0);
}

TEST(SegParity, NormalizeIsMmcvs) {
  cv::Mat px(1, 2, CV_8UC3);
  px.at<cv::Vec3b>(0, 0) = cv::Vec3b(0, 128, 255);
  px.at<cv::Vec3b>(0, 1) = cv::Vec3b(124, 116, 104);
  const FloatArray n = mmsegNormalize(px);
  ASSERT_EQ(n.shape, (std::vector<int64_t>{3, 1, 2}));
  EXPECT_FLOAT_EQ(n.values[0], float((0 - double(123.675f)) / double(58.395f)));
  EXPECT_FLOAT_EQ(n.values[2], float((128 - double(116.28f)) / double(57.12f)));
  EXPECT_FLOAT_EQ(n.values[4], float((255 - double(103.53f)) / double(57.375f)));
}

TEST(SegParity, DefaultsComeFromTheCheckpointConfig) {
  const SegmentSettings d = segmenter().defaults();
  EXPECT_EQ(d.mode, SegmentMode::Slide);
  EXPECT_EQ(d.crop, cv::Size(512, 512));
  EXPECT_EQ(d.stride, cv::Size(341, 341));
  EXPECT_EQ(d.scale_long, 2048);
  EXPECT_EQ(d.scale_short, 512);
  ASSERT_EQ(segmenter().classNames().size(), 150u);
  EXPECT_EQ(segmenter().classNames()[0], "wall");
  EXPECT_EQ(segmenter().classNames()[7], "bed");  // mmseg's 'bed ' without the space
  EXPECT_EQ(segmenter().palette()[2], (std::array<uint8_t, 3>{6, 230, 230}));
}

TEST(SegParity, WholeMatchesMmseg) {
  const cv::Mat input = loadImageRgb(seg("seg_input.png"));
  SegmentOptions o;
  o.mode = SegmentMode::Whole;
  o.features = true;
  o.final_logits = true;
  const SegmentResult r = segmenter().segment(input, o);
  EXPECT_EQ(r.resized, cv::Size(683, 512));
  ASSERT_EQ(r.passes.size(), 1u);
  EXPECT_EQ(r.passes[0].crop, cv::Rect(0, 0, 683, 512));
  const auto& e = expected();
  const auto& lv = r.passes[0].levels;
  const double c0 = relL2(subsample(lv[0], 3), e.at("whole.backbone.c0.sub3"));
  const double c1 = relL2(lv[1], e.at("whole.backbone.c1"));
  const double c2 = relL2(lv[2], e.at("whole.backbone.c2"));
  const double c3 = relL2(lv[3], e.at("whole.backbone.c3"));
  const double dec = relL2(subsample(r.passes[0].decode_logits, 5), e.at("whole.decode_logits.sub5"));
  const double ori = relL2(subsample(r.final_logits, 15), e.at("whole.logits_ori.sub15"));
  EXPECT_LT(c0, kTensorTolerance);
  EXPECT_LT(c1, kTensorTolerance);
  EXPECT_LT(c2, kTensorTolerance);
  EXPECT_LT(c3, kTensorTolerance);
  EXPECT_LT(dec, kTensorTolerance);
  EXPECT_LT(ori, kTensorTolerance);
  int64_t n = 0;
  double all = 0;
  const double agree = labelAgreement(r.labels, "seg_whole_label.png", "seg_whole_small_margin.png", &n, &all);
  EXPECT_GE(agree, kLabelAgreement);
  std::printf(
      "whole: rel L2 c0 %.2e c1 %.2e c2 %.2e c3 %.2e decode %.2e logits %.2e; labels agree on %.5f of %lld px (%.5f of "
      "all)\n",
      c0, c1, c2, c3, dec, ori, agree, (long long)n, all);
  // mmseg's top class of the fixture (label_hist_top10 in seg_expected.json): 73 with 80015 px.
  ASSERT_FALSE(r.present.empty());
  EXPECT_EQ(r.present[0].index, 73);
}

TEST(SegParity, SlideMatchesMmseg) {
  const cv::Mat input = loadImageRgb(seg("seg_input.png"));
  SegmentOptions o;
  o.mode = SegmentMode::Slide;
  o.final_logits = true;
  const SegmentResult r = segmenter().segment(input, o);
  ASSERT_EQ(r.passes.size(), 2u);
  EXPECT_EQ(r.passes[0].crop, cv::Rect(0, 0, 512, 512));
  EXPECT_EQ(r.passes[1].crop, cv::Rect(171, 0, 512, 512));
  const double ori = relL2(subsample(r.final_logits, 15), expected().at("slide.logits_ori.sub15"));
  EXPECT_LT(ori, kTensorTolerance);
  int64_t n = 0;
  double all = 0;
  const double agree = labelAgreement(r.labels, "seg_slide_label.png", "seg_slide_small_margin.png", &n, &all);
  EXPECT_GE(agree, kLabelAgreement);
  std::printf("slide: rel L2 logits %.2e; labels agree on %.5f of %lld px (%.5f of all)\n", ori, agree, (long long)n,
              all);
}

TEST(SegParity, OverlayKeepsTheImageSize) {
  const cv::Mat input = loadImageRgb(seg("seg_input.png"));
  SegmentOptions o;
  o.mode = SegmentMode::Whole;
  o.scale_long = 512;
  o.scale_short = 256;
  const SegmentResult r = segmenter().segment(input, o);
  EXPECT_EQ(r.resized, cv::Size(341, 256));
  EXPECT_EQ(r.labels.size(), input.size());
  const cv::Mat overlay = segmentationOverlay(input, r, segmenter().palette());
  EXPECT_EQ(overlay.size(), input.size());
  EXPECT_EQ(overlay.type(), CV_8UC3);
  double total = 0;
  for (const ClassShare& c : r.present) total += c.share;
  EXPECT_NEAR(total, 1.0, 1e-9);
}

}  // namespace
}  // namespace revcol
