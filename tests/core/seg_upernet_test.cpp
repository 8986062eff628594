// The UPerNet decode head and the segmentor behind plain types, on the mmseg fixture checkpoint
// (tests/data/seg, made by mmseg 4eaa8e6 / mmcv 1.5.0; see the shared fixtures' README). Numeric
// parity with mmseg on the fixture image is in tests/pipeline/seg_parity_test.cpp (it needs the
// OpenCV resize); here: structure, loading, errors and the slide geometry.
#include <revcol/error.h>

#include "checkpoint/checkpoint.h"
#include "heads/seg_model.h"
#include "heads/seg_upernet.h"
#include "nn/weights.h"

#include <gtest/gtest.h>

namespace revcol {
namespace {

std::string seg(const std::string& file) { return std::string(REVCOL_TEST_DATA) + "/seg/" + file; }

TEST(SegUPerHead, ArchitectureAndHeadComeFromTheWeights) {
  Checkpoint ck = readCheckpoint(seg("seg_upernet_revcol_shrunk.pth"));
  Architecture arch = inferArchitecture(ck.state_dict);
  EXPECT_EQ(arch.task, Task::Segmentation);
  EXPECT_EQ(arch.weights_prefix, "backbone.");
  EXPECT_EQ(arch.channels, (std::array<int64_t, 4>{8, 16, 32, 64}));
  EXPECT_EQ(arch.columns, 4);
  UPerHeadConfig c = inferUPerHead(ck.state_dict, "decode_head.");
  EXPECT_EQ(c.in_channels, (std::vector<int64_t>{8, 16, 32, 64}));
  EXPECT_EQ(c.channels, 32);
  EXPECT_EQ(c.num_classes, 150);
  EXPECT_EQ(ck.class_names.size(), 150u);
}

TEST(SegUPerHead, StateDictNamesAreMmsegs) {
  Checkpoint ck = readCheckpoint(seg("seg_upernet_revcol_shrunk.pth"));
  UPerHead head(inferUPerHead(ck.state_dict, "decode_head."));
  size_t head_keys = 0;
  for (const auto& t : ck.state_dict)
    if (t.name.rfind("decode_head.", 0) == 0) ++head_keys;
  // Every decode_head tensor is a parameter or buffer of ours (num_batches_tracked included).
  EXPECT_EQ(head->named_parameters().size() + head->named_buffers().size(), head_keys);
  EXPECT_NO_THROW(loadUPerHead(*head, ck.state_dict, "decode_head."));
}

TEST(SegUPerHead, MissingAndMisshapenWeightsAreReportedTogether) {
  Checkpoint ck = readCheckpoint(seg("seg_upernet_revcol_shrunk.pth"));
  UPerHead head(inferUPerHead(ck.state_dict, "decode_head."));
  std::vector<NamedTensor> broken;
  for (const auto& t : ck.state_dict) {
    if (t.name == "decode_head.fpn_convs.1.bn.running_var") continue;
    if (t.name == "decode_head.bottleneck.conv.weight")
      broken.push_back({t.name, torch::zeros({1, 1, 3, 3})});
    else
      broken.push_back(t);
  }
  try {
    loadUPerHead(*head, broken, "decode_head.");
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("1 missing (decode_head.fpn_convs.1.bn.running_var)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("decode_head.bottleneck.conv.weight: stored [1, 1, 3, 3]"), std::string::npos) << msg;
  }
}

TEST(SegUPerHead, NotASegmentorIsAnError) {
  EXPECT_THROW(SegmentationNetwork::load(std::string(REVCOL_TEST_DATA) + "/cls/cls_revcol_s4_k3.pth"), Error);
  Checkpoint ck = readCheckpoint(seg("seg_upernet_revcol_shrunk.pth"));
  EXPECT_THROW(inferUPerHead(ck.state_dict, "decode_head.", {1, 2, 3}), Error);  // 4 branches stored
  EXPECT_THROW(inferUPerHead(ck.state_dict, "auxiliary_head."), Error);
}

TEST(SegUPerHead, HeadOutputIsAtStrideFourForOddSizes) {
  Checkpoint ck = readCheckpoint(seg("seg_upernet_revcol_shrunk.pth"));
  UPerHead head(inferUPerHead(ck.state_dict, "decode_head."));
  loadUPerHead(*head, ck.state_dict, "decode_head.");
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> levels = {torch::randn({1, 8, 128, 170}), torch::randn({1, 16, 64, 85}),
                                       torch::randn({1, 32, 32, 42}), torch::randn({1, 64, 16, 21})};
  EXPECT_EQ(head->forward(levels).sizes(), (std::vector<int64_t>{1, 150, 128, 170}));
}

TEST(SegModel, SlideGridMatchesMmseg) {
  SegmentationNetwork net = SegmentationNetwork::load(seg("seg_upernet_revcol_shrunk.pth"));
  EXPECT_EQ(net.info().num_classes, 150);
  EXPECT_TRUE(net.info().has_auxiliary_head);
  EXPECT_EQ(net.info().pool_scales, (std::vector<int64_t>{1, 2, 3, 6}));
  FloatArray chw;
  chw.shape = {3, 100, 300};
  chw.values.assign(size_t(3 * 100 * 300), 0.25f);
  SegRunOptions o;
  o.slide = true;
  o.crop_h = o.crop_w = 64;
  o.stride_h = o.stride_w = 48;
  SegRunOutput out = net.run(chw, 50, 150, o);
  // h: max(100-64+47, 0) // 48 + 1 = 2 rows, w: (300-64+47) // 48 + 1 = 6 columns; the last
  // crop of each row and column is moved back inside the image.
  ASSERT_EQ(out.passes.size(), 12u);
  EXPECT_EQ(out.passes[0].x, 0);
  EXPECT_EQ(out.passes[1].x, 48);
  EXPECT_EQ(out.passes[5].x, 300 - 64);
  EXPECT_EQ(out.passes[6].y, 100 - 64);
  EXPECT_EQ(out.passes[11].width, 64);
  EXPECT_EQ(out.labels.size(), size_t(50 * 150));
  int64_t total = 0;
  for (int64_t c : out.pixel_counts) total += c;
  EXPECT_EQ(total, 50 * 150);
}

}  // namespace
}  // namespace revcol
