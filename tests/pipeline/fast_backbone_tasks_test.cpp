// Detection and segmentation run their RevCol backbone on the fast CPU path (oneDNN) by default;
// the plain modules (LoadOptions::fast = false) stay the reference. The backbone levels the necks
// read agree within 1e-5 relative L2, and so do the results built on them. A task model's
// backboneModel() shares its network and describes and analyses it as RevColModel::load does.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "revcol/detector.h"
#include "revcol/image_io.h"
#include "revcol/model.h"
#include "revcol/segmenter.h"

#include "relative_l2.h"

using namespace revcol;

namespace {

const std::string kData = REVCOL_TEST_DATA;

// The checkpoint on the fast path (the default) and on the plain modules, each saying which runs.
template <typename TaskModel>
std::pair<TaskModel, TaskModel> fastAndPlain(const std::string& path) {
  LoadOptions plain_path;
  plain_path.fast = false;
  TaskModel fast = TaskModel::load(path), plain = TaskModel::load(path, plain_path);
  EXPECT_EQ(fast.info().cpu_path, "fast fp32");
  EXPECT_EQ(plain.info().cpu_path, "plain");
  return {std::move(fast), std::move(plain)};
}

}  // namespace

TEST(FastBackboneTasks, DetectionOnTheFastPathEqualsThePlainModules) {
  auto [fast, plain] = fastAndPlain<Detector>(kData + "/det_cascade_mask_rcnn_revcol_shrunk.pth");
  const cv::Mat rgb = loadImageRgb(kData + "/det/det_input.png");
  DetectOptions o;
  o.scale_long = 640;
  o.scale_short = 400;
  const DetectResult a = fast.detect(rgb, o), b = plain.detect(rgb, o);
  for (size_t l = 0; l < 4; ++l) EXPECT_LT(relL2(a.backbone[l], b.backbone[l]), 1e-5) << "c" << l;
  ASSERT_FALSE(b.objects.empty());
  ASSERT_EQ(a.objects.size(), b.objects.size());
  // The shrunk random-weight detector scores many boxes almost alike, so the order of near-ties
  // may differ: every detection must have its own counterpart (label, score, box).
  std::vector<bool> used(b.objects.size(), false);
  int unmatched = 0;
  for (const DetectedObject& x : a.objects) {
    bool found = false;
    for (size_t j = 0; j < b.objects.size() && !found; ++j) {
      const DetectedObject& y = b.objects[j];
      float box = 0;
      for (size_t k = 0; k < 4; ++k) box = std::max(box, std::abs(x.box[k] - y.box[k]));
      if (!used[j] && x.label == y.label && std::abs(x.score - y.score) < 1e-4f && box < 1e-2f) found = used[j] = true;
    }
    unmatched += !found;
  }
  EXPECT_EQ(unmatched, 0) << "of " << a.objects.size();
}

TEST(FastBackboneTasks, SegmentationOnTheFastPathEqualsThePlainModules) {
  auto [fast, plain] = fastAndPlain<Segmenter>(kData + "/seg/seg_upernet_revcol_shrunk.pth");
  const cv::Mat rgb = loadImageRgb(kData + "/seg/seg_input.png");
  SegmentOptions o;
  o.features = true;
  o.final_logits = true;
  const SegmentResult a = fast.segment(rgb, o), b = plain.segment(rgb, o);
  ASSERT_EQ(a.passes.size(), b.passes.size());
  for (size_t p = 0; p < a.passes.size(); ++p)
    for (size_t l = 0; l < 4; ++l)
      EXPECT_LT(relL2(a.passes[p].levels[l], b.passes[p].levels[l]), 1e-5) << "pass " << p << " c" << l;
  EXPECT_LT(relL2(a.final_logits, b.final_logits), 1e-5);
  ASSERT_EQ(a.labels.size(), b.labels.size());
  // Ties aside, the label maps are the same; allow a handful of pixels at near-equal logits.
  EXPECT_LE(cv::countNonZero(a.labels != b.labels), int(a.labels.total() / 1000));
}

namespace {

// What RevColModel::load reports and computes for `path`, against a model sharing the task
// model's backbone: same description, same features of every column, same heads.
void expectSameAsLoaded(RevColModel shared, const std::string& path) {
  RevColModel loaded = RevColModel::load(path);
  const ModelInfo &a = shared.info(), &b = loaded.info();
  EXPECT_EQ(a.file, b.file);
  EXPECT_EQ(a.weights_source, b.weights_source);
  EXPECT_EQ(a.has_ema, b.has_ema);
  EXPECT_EQ(a.parameter_count, b.parameter_count);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.cpu_path, b.cpu_path);
  EXPECT_EQ(a.class_names, b.class_names);
  EXPECT_EQ(describe(a.architecture), describe(b.architecture));
  EXPECT_EQ(a.architecture.task, b.architecture.task);

  FloatArray image;
  image.shape = {3, 64, 96};
  for (int i = 0; i < 3 * 64 * 96; ++i) image.values.push_back(float((i * 37) % 101) / 50.f - 1.f);
  AnalysisOptions options;
  options.decoders = false;
  const AnalysisResult x = shared.analyze(image, options), y = loaded.analyze(image, options);
  ASSERT_EQ(x.columns.size(), y.columns.size());
  for (size_t i = 0; i < x.columns.size(); ++i)
    for (size_t l = 0; l < 4; ++l)
      EXPECT_LT(relL2(x.columns[i].levels[l], y.columns[i].levels[l]), 1e-6) << "column " << i << " c" << l;
}

}  // namespace

TEST(SharedBackbone, DetectorsBackboneModelAnalysesAsALoadedModelAndOutlivesTheDetector) {
  const std::string path = kData + "/det_cascade_mask_rcnn_revcol_shrunk.pth";
  std::optional<Detector> detector(Detector::load(path));
  RevColModel shared = detector->backboneModel();
  detector.reset();  // the network stays alive in the shared model
  expectSameAsLoaded(std::move(shared), path);
}

TEST(SharedBackbone, SegmentersBackboneModelAnalysesAsALoadedModel) {
  const std::string path = kData + "/seg/seg_upernet_revcol_shrunk.pth";
  Segmenter segmenter = Segmenter::load(path);
  expectSameAsLoaded(segmenter.backboneModel(), path);
}
