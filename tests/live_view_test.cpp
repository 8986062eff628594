// revcol-live without a window: command line, and the cell colouring of every display mode on a
// real analysis of the fixture model.
#include <gtest/gtest.h>

#include "cell_colours.h"
#include "live_options.h"
#include "live_worker.h"
#include "revcol/error.h"
#include "revcol/image_io.h"
#include "revcol/model.h"
#include "revcol/preprocess.h"

using namespace revcol;
using namespace revcol::live;

TEST(LiveOptions, ParsesAndRejects) {
  std::string msg;
  auto o = parseLiveOptions({"clip.mp4", "--checkpoint", "m.pth", "--screenshot", "s.png"}, msg);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->source, "clip.mp4");
  EXPECT_EQ(o->checkpoint, "m.pth");
  EXPECT_EQ(o->frames, 3);  // a screenshot renders a few frames by default
  EXPECT_FALSE(parseLiveOptions({"--help"}, msg));
  EXPECT_NE(msg.find("--random-tiny"), std::string::npos);
  EXPECT_THROW(parseLiveOptions({"0"}, msg), Error);  // no model
  EXPECT_THROW(parseLiveOptions({"--random-tiny", "--checkpoint", "m.pth"}, msg), Error);
  EXPECT_THROW(parseLiveOptions({"--random-tiny", "--frames", "x"}, msg), Error);
  EXPECT_THROW(parseLiveOptions({"--random-tiny", "--bogus"}, msg), Error);
  EXPECT_EQ(o->threads, 0);  // auto
  EXPECT_FALSE(o->bf16);
  auto fast = parseLiveOptions({"--random-tiny", "--threads", "3", "--bf16"}, msg);
  ASSERT_TRUE(fast);
  EXPECT_EQ(fast->threads, 3);
  EXPECT_TRUE(fast->bf16);
  EXPECT_THROW(parseLiveOptions({"--random-tiny", "--threads", "-1"}, msg), Error);
  EXPECT_EQ(o->input_size, 0);  // the model card's size, else 224
  EXPECT_THROW(parseLiveOptions({"--random-tiny", "--size", "16"}, msg), Error);
}

TEST(LiveInput, TheModelCardSetsTheSizeUnlessSizeIsGiven) {
  const std::string demo = REVCOL_SOURCE_DIR "/models/demo/revcol_fashion_cls.pth";  // card: image_size 64
  ImagenetPreprocess carded = inputPreprocess({demo, false, 0, 0, false});
  EXPECT_EQ(carded.mode, ResizeMode::Warp);
  EXPECT_EQ(carded.size, 64);
  ImagenetPreprocess sized = inputPreprocess({demo, false, 160, 0, false});
  EXPECT_EQ(sized.mode, ResizeMode::CenterCrop);
  EXPECT_EQ(sized.size, 160);
  ImagenetPreprocess official = inputPreprocess({REVCOL_TEST_DATA "/cls/cls_revcol_s4_k3.pth", false, 0, 0, false});
  EXPECT_EQ(official.mode, ResizeMode::CenterCrop);
  EXPECT_EQ(official.size, 224);
  EXPECT_EQ(inputPreprocess({"", true, 0, 0, false}).size, 224);  // --random-tiny
}

TEST(LiveCells, EveryModeColoursTheGrid) {
  RevColModel model = RevColModel::load(std::string(REVCOL_TEST_DATA) + "/cls/cls_revcol_s4_k3.pth");
  cv::Mat image = loadImageRgb(std::string(REVCOL_TEST_DATA) + "/cls/cls_input_224.png");
  AnalysisOptions options;
  options.decoders = false;
  options.added_maps = false;
  AnalysisResult a = model.analyze(preprocessImagenet(image, officialImagenetEval(224)), options);
  const int n = int(a.columns.size());
  ASSERT_GT(n, 1);
  for (int m = 0; m < kDisplayModeCount; ++m) {
    ViewSettings view{DisplayMode(m), 100000};  // a channel past the end is clamped
    auto cells = colourCells(a, view);
    ASSERT_EQ(int(cells.size()), n);
    for (int c = 0; c < n; ++c)
      for (int l = 0; l < 4; ++l) {
        const bool expected = !(view.mode == DisplayMode::ReconstructionError && c == n - 1);
        EXPECT_EQ(!cells[c][l].empty(), expected) << "mode " << m << " column " << c << " level " << l;
        if (cells[c][l].empty()) continue;
        EXPECT_EQ(cells[c][l].type(), CV_8UC3);
        EXPECT_EQ(int64_t(cells[c][l].rows), a.columns[c].levels[l].shape[1]);
      }
  }
}
