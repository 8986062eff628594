// Class palettes: the datasets' own colours where the classes are theirs (mmdet's COCO palette,
// mmseg's ADE20K palette), a qualitative palette with clearly distinct neighbours otherwise, the
// checkpoint's meta.PALETTE when it stores one, and detection drawings coloured by a palette.
//
// "Clearly distinct" here: Euclidean distance in 8-bit RGB of at least 100 (about 23 % of the
// cube's diagonal; tab10's closest neighbours, purple and brown, are 115 apart).
#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgproc.hpp>
#include <set>

#include "revcol/class_labels.h"
#include "revcol/detector.h"
#include "revcol/error.h"
#include "revcol/palette.h"
#include "revcol/segmenter.h"

namespace revcol {
namespace {

constexpr double kMinNeighbourDistance = 100.0;

double distance(const Rgb& a, const Rgb& b) {
  double s = 0;
  for (size_t k = 0; k < 3; ++k) s += (double(a[k]) - double(b[k])) * (double(a[k]) - double(b[k]));
  return std::sqrt(s);
}

std::string labelsDir() { return resourceDir() + "/labels/"; }

TEST(Palette, CocoNamesGetMmdetectionsCocoPalette) {
  const std::vector<Rgb> p = defaultPalette(readLabelFile(labelsDir() + "coco80.txt"));
  ASSERT_EQ(p.size(), 80u);
  // mmdet 2.x CocoDataset.PALETTE: person, bicycle, car, motorcycle, airplane, ... toothbrush.
  EXPECT_EQ(p[0], (Rgb{220, 20, 60}));
  EXPECT_EQ(p[1], (Rgb{119, 11, 32}));
  EXPECT_EQ(p[2], (Rgb{0, 0, 142}));
  EXPECT_EQ(p[3], (Rgb{0, 0, 230}));
  EXPECT_EQ(p[4], (Rgb{106, 0, 228}));
  EXPECT_EQ(p[79], (Rgb{191, 162, 208}));
  EXPECT_EQ(std::set<Rgb>(p.begin(), p.end()).size(), 80u);
}

TEST(Palette, CocoNamesMatchWhateverTheirCase) {
  std::vector<std::string> names = readLabelFile(labelsDir() + "coco80.txt");
  names[0] = " Person ";
  EXPECT_EQ(defaultPalette(names)[0], (Rgb{220, 20, 60}));
  names[9] = "traffic_light";  // as some checkpoints (the detection fixture among them) store it
  EXPECT_EQ(defaultPalette(names)[9], (Rgb{250, 170, 30}));
  names[1] = "bike";  // not COCO's list any more: the qualitative palette
  EXPECT_EQ(defaultPalette(names)[0], qualitativeColor(0));
}

TEST(Palette, Ade20kNamesGetTheShippedAde20kPalette) {
  const std::vector<Rgb> p = defaultPalette(readLabelFile(labelsDir() + "ade20k150.txt"));
  EXPECT_EQ(p, readPaletteFile(labelsDir() + "ade20k150_palette.txt"));
  ASSERT_EQ(p.size(), 150u);
  EXPECT_EQ(p[0], (Rgb{120, 120, 120}));  // wall
}

TEST(Palette, AnyTenClassesHaveDistinctNeighboursAndNoRepeats) {
  const std::vector<std::string> names = {"apple", "pear", "plum",  "fig",   "kiwi",
                                          "lime",  "date", "peach", "grape", "melon"};
  const std::vector<Rgb> p = defaultPalette(names);
  ASSERT_EQ(p.size(), 10u);
  for (size_t i = 0; i + 1 < p.size(); ++i)
    EXPECT_GE(distance(p[i], p[i + 1]), kMinNeighbourDistance) << "classes " << i << " and " << i + 1;
  EXPECT_EQ(std::set<Rgb>(p.begin(), p.end()).size(), 10u);
}

TEST(Palette, QualitativeSequenceKeepsNeighboursApartFarBeyondTab10) {
  std::set<Rgb> first256;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_GE(distance(qualitativeColor(i), qualitativeColor(i + 1)), kMinNeighbourDistance) << i;
    if (i < 256) first256.insert(qualitativeColor(i));
  }
  EXPECT_EQ(first256.size(), 256u);
  EXPECT_EQ(qualitativeColor(0), (Rgb{31, 119, 180}));  // tab:blue
  EXPECT_EQ(qualitativeColor(1), (Rgb{255, 127, 14}));  // tab:orange
}

TEST(Palette, BackgroundIsGreyAndTakesNoColourFromTheSequence) {
  const std::vector<Rgb> p = defaultPalette({"Background", "cat", "dog", "BACKGROUND"});
  EXPECT_EQ(p[0], (Rgb{128, 128, 128}));
  EXPECT_EQ(p[3], (Rgb{128, 128, 128}));
  EXPECT_EQ(p[1], qualitativeColor(0));
  EXPECT_EQ(p[2], qualitativeColor(1));
  EXPECT_GE(distance(p[0], p[1]), kMinNeighbourDistance);
}

TEST(Palette, ClassColorFallsBackToTheSequenceOutsideThePalette) {
  const std::vector<Rgb> p = {{1, 2, 3}};
  EXPECT_EQ(classColor(p, 0), (Rgb{1, 2, 3}));
  EXPECT_EQ(classColor(p, 5), qualitativeColor(5));
  EXPECT_EQ(classColor({}, -1), qualitativeColor(0));
  EXPECT_EQ(detectionClassColor(7), qualitativeColor(7));
}

TEST(Palette, PaletteFileErrorsNameTheFileAndLine) {
  const std::string path = ::testing::TempDir() + "/revcol_bad_palette.txt";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("# comment\n1 2 3\n4 5 300\n", f);
    std::fclose(f);
  }
  try {
    readPaletteFile(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find("line 3"), std::string::npos) << what;
  }
  std::remove(path.c_str());
}

// The detection fixture stores COCO's names ('traffic_light' spelling) and no palette: mmdet's COCO colours.
TEST(Palette, DetectorOfCocoClassesColoursByMmdetsPalette) {
  const Detector d = Detector::load(REVCOL_TEST_DATA "/det_cascade_mask_rcnn_revcol_shrunk.pth");
  ASSERT_EQ(d.palette().size(), 80u);
  EXPECT_EQ(d.palette()[0], (Rgb{220, 20, 60}));  // person
  EXPECT_EQ(d.palette(), defaultPalette(readLabelFile(labelsDir() + "coco80.txt")));
}

// The segmentation demo stores meta.PALETTE (revcol-train writes defaultPalette of its class names):
// the checkpoint's colours are used, one per class and all different, background grey.
TEST(Palette, SegmentationDemoGetsDistinctColoursForItsClasses) {
  const Segmenter s = Segmenter::load(REVCOL_SOURCE_DIR "/models/demo/revcol_fashion_upernet.pth");
  const std::vector<std::string>& names = s.classNames();
  const std::vector<Rgb>& p = s.palette();
  ASSERT_EQ(names.size(), 11u);
  ASSERT_EQ(p.size(), 11u);
  EXPECT_EQ(names[0], "background");
  EXPECT_EQ(std::set<Rgb>(p.begin(), p.end()).size(), 11u);
  EXPECT_EQ(p[0], (Rgb{128, 128, 128}));  // meta.PALETTE[0]
  EXPECT_EQ(p[1], (Rgb{31, 119, 180}));   // meta.PALETTE[1] (T-shirt/top): tab10's first
  for (size_t i = 0; i + 1 < p.size(); ++i)
    EXPECT_GE(distance(p[i], p[i + 1]), kMinNeighbourDistance) << names[i] << " / " << names[i + 1];
  // What revcol-train writes, and what a checkpoint without a stored palette gets.
  const std::vector<Rgb> d = defaultPalette(names);
  EXPECT_EQ(p, d);
  EXPECT_EQ(d[0], (Rgb{128, 128, 128}));
  EXPECT_EQ(std::set<Rgb>(d.begin(), d.end()).size(), 11u);
  for (size_t i = 0; i + 1 < d.size(); ++i)
    EXPECT_GE(distance(d[i], d[i + 1]), kMinNeighbourDistance) << names[i] << " / " << names[i + 1];
}

// Rows above the box's top edge that hold text pixels (the text is white on a dark fill or black on
// a light one, so it differs from the fill colour in every channel by a lot).
int textRows(const cv::Mat& out, const Rgb& fill, int box_top) {
  int rows = 0;
  for (int y = 0; y < box_top; ++y) {
    bool text = false;
    for (int x = 0; x < out.cols && !text; ++x) {
      const cv::Vec3b v = out.at<cv::Vec3b>(y, x);
      const Rgb c = {v[0], v[1], v[2]};
      text = c != Rgb{0, 0, 0} && distance(c, fill) > 60;
    }
    rows += text ? 1 : 0;
  }
  return rows;
}

TEST(DetectionDrawing, LabelsAreLegibleOnSmallAndLargeImages) {
  const Rgb fill = {214, 39, 40};
  for (const int side : {128, 900}) {
    const cv::Mat img(side, side, CV_8UC3, cv::Scalar(0, 0, 0));
    DetectedObject o;
    o.label = 0;
    o.name = "Dress";
    o.score = 0.875f;
    const float top = float(side) / 2;
    o.box = {float(side) / 8, top, float(side) / 2, float(side) * 7 / 8};
    const cv::Mat out = drawDetections(img, {o}, {fill});
    const int minimum = std::max(12, side / 30);
    EXPECT_GE(textRows(out, fill, int(top)), minimum) << side << " px image";
    // The tag is filled with the class's palette colour.
    int filled = 0;
    for (int y = 0; y < int(top); ++y)
      for (int x = 0; x < side; ++x) filled += out.at<cv::Vec3b>(y, x) == cv::Vec3b(fill[0], fill[1], fill[2]);
    EXPECT_GT(filled, minimum * 10) << side << " px image";
  }
}

TEST(DetectionDrawing, MasksOnlyDrawsNoBoxesOrText) {
  const cv::Mat img(64, 64, CV_8UC3, cv::Scalar(0, 0, 0));
  DetectedObject o;
  o.label = 1;
  o.name = "Bag";
  o.score = 0.5f;
  o.box = {4.f, 30.f, 60.f, 60.f};
  o.mask = cv::Mat::zeros(64, 64, CV_8U);
  o.mask(cv::Rect(20, 40, 10, 10)).setTo(255);
  const std::vector<Rgb> palette = {{255, 255, 255}, {0, 200, 0}};
  const cv::Mat out = drawDetectionMasks(img, {o}, palette, 0.5);
  EXPECT_EQ(out.at<cv::Vec3b>(45, 25), cv::Vec3b(0, 100, 0));  // half of class 1's green
  cv::Mat outside = out.clone();
  outside(cv::Rect(20, 40, 10, 10)).setTo(cv::Scalar(0, 0, 0));
  EXPECT_EQ(cv::countNonZero(outside.reshape(1)), 0);  // nothing but the mask: no box, no tag
  // drawDetections colours the same object by the same palette entry.
  const cv::Mat full = drawDetections(img, {o}, palette, 0.5);
  EXPECT_EQ(full.at<cv::Vec3b>(45, 25), cv::Vec3b(0, 100, 0));
  const cv::Vec3b edge = full.at<cv::Vec3b>(60, 40);  // the box's bottom edge, class 1's green
  EXPECT_TRUE(edge[0] < 40 && edge[1] > 150 && edge[2] < 40) << edge;
}

}  // namespace
}  // namespace revcol
