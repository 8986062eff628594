// revcol-live without a window: command line, the cell colouring and scales of every display mode
// on a real analysis of the fixture model, the header's words, the loading steps and the layout.
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

#include "cell_colours.h"
#include "grid_view.h"
#include "layout.h"
#include "live_options.h"
#include "live_result.h"
#include "live_worker.h"
#include "loading_screen.h"
#include "model_summary.h"
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

TEST(LiveCells, EveryModeColoursTheGridWithAScale) {
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
    const bool errors = view.mode == DisplayMode::ReconstructionError;
    ColouredCells out = colourCells(a, view);
    ASSERT_EQ(int(out.cells.size()), n);
    ASSERT_EQ(int(out.rel_error.size()), n);
    for (int l = 0; l < 4; ++l) {
      // Every mode has a scale with numbers at both ends (PCA: each component's range).
      const LevelScale& s = out.scales[l];
      EXPECT_TRUE(s.valid) << "mode " << m << " level " << l;
      EXPECT_FALSE(s.quantity.empty());
      EXPECT_EQ(s.pca, view.mode == DisplayMode::Pca);
      EXPECT_EQ(s.log10, errors);
      if (s.pca) {
        for (float h : s.pca_half) EXPECT_GT(h, 0.0f);
      } else {
        EXPECT_LT(s.lo, s.hi) << "mode " << m << " level " << l;
      }
      for (int c = 0; c < n; ++c) {
        const bool expected = !(errors && c == n - 1);
        EXPECT_EQ(!out.cells[c][l].empty(), expected) << "mode " << m << " column " << c << " level " << l;
        // The error mode writes a number in every cell that has a map, and only there.
        EXPECT_EQ(out.rel_error[c][l] >= 0, errors && expected) << "mode " << m << " column " << c;
        if (out.cells[c][l].empty()) continue;
        EXPECT_EQ(out.cells[c][l].type(), CV_8UC3);
        EXPECT_EQ(int64_t(out.cells[c][l].rows), a.columns[c].levels[l].shape[1]);
      }
    }
    if (view.mode == DisplayMode::Channel) {
      EXPECT_EQ(out.scales[0].quantity, "channel 15");  // c0 has 16 channels
    }
  }
  // The numbers are the analysis's own: float32 inversion is close, not exact.
  ColouredCells err = colourCells(a, {DisplayMode::ReconstructionError, 0});
  EXPECT_DOUBLE_EQ(err.rel_error[0][2], a.reconstructions.front().columns[0].levels[2].rel_l2);
  EXPECT_LT(err.rel_error[0][2], 0.05);
}

TEST(LiveCells, ScaleLabelsAreReadable) {
  LevelScale linear;
  EXPECT_EQ(scaleLabel(linear, 1.77f), "1.77");
  EXPECT_EQ(scaleLabel(linear, 0.0f), "0");
  EXPECT_EQ(scaleLabel(linear, 0.00042f), "4.2e-04");
  LevelScale log_scale;
  log_scale.log10 = true;
  EXPECT_EQ(scaleLabel(log_scale, -7.0f), "1.0e-07");
}

TEST(LiveResultTest, EveryHeadsTop1InColumnOrder) {
  AnalysisResult a;
  a.columns.resize(4);
  for (int k = 0; k < 4; ++k) {
    HeadOutput h;
    h.head = k;
    h.column = k;
    h.top = {TopClass{8, 1.0f, 0.34f + 0.1f * float(k)}};
    a.heads.push_back(h);
  }
  a.heads[3].top[0].index = 42;  // past the names: shown as an index
  std::vector<std::string> names(10, "x");
  names[8] = "Bag";
  cv::Mat frame(4, 4, CV_8UC3, cv::Scalar(1, 2, 3));
  LiveResult r = makeLiveResult(a, frame, 17, {}, names);
  EXPECT_EQ(r.frame_seq, 17u);
  EXPECT_EQ(r.frame.data, frame.data);  // the analysed pixels themselves, not a copy of another frame
  ASSERT_EQ(r.heads.size(), 4u);
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(r.heads[k].column, k);
    EXPECT_NEAR(r.heads[k].probability, 0.34f + 0.1f * float(k), 1e-6);
  }
  EXPECT_EQ(r.heads[0].name, "Bag");
  EXPECT_EQ(r.heads[3].name, "class 42");
}

TEST(LiveGrid, TheLastColumnSaysWhyItHasNoErrorMap) {
  LiveResult r;
  r.columns = 4;
  r.view.mode = DisplayMode::ReconstructionError;
  EXPECT_EQ(emptyCellText(r, 3), "last column: no next column to invert from");
  EXPECT_EQ(emptyCellText(r, 2), "nothing to show");
  EXPECT_EQ(relErrorText(2.13e-7), "2.1e-07");
}

TEST(LiveHeader, PlainWordsForTheModel) {
  Architecture demo;
  demo.channels = {24, 48, 96, 192};
  demo.layers = {1, 1, 2, 1};
  demo.columns = 4;
  demo.num_classes = 10;
  demo.head = HeadKind::IntermediateSupervision;
  demo.num_heads = 4;
  const std::string s = plainModelSummary(demo);
  EXPECT_EQ(s, "4 columns, widths 24/48/96/192, 10 classes, a prediction after every column");
  for (const char* jargon : {"layers", "k3", "cls_blocks", "Decoder"}) EXPECT_EQ(s.find(jargon), std::string::npos);
  Architecture big = revcolTiny();
  big.columns = 8;
  big.variant = "custom";
  EXPECT_NE(plainModelSummary(big).find("predictions after columns 1, 3, 5 and 7"), std::string::npos)
      << plainModelSummary(big);
  EXPECT_EQ(plainModelSummary(revcolTiny()).rfind("RevCol-T: 4 columns, widths 64/128/256/512", 0), 0u);
  EXPECT_EQ(weightCount(2512345), "2.5 million weights");
}

TEST(LiveLoading, StepsSayWhatIsLoadingAndHowFar) {
  LoadingInfo info;
  info.source = "fashion_scenes.mp4 (video)";
  info.model_file = "revcol_fashion_cls.pth";
  info.model_mb = 10.2;
  info.status.stage = LoadingStatus::Stage::LoadingModel;
  info.status.stage_seconds = 2.5;
  auto steps = loadingSteps(info);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_TRUE(steps[0].active);  // no frame yet
  EXPECT_NE(steps[0].text.find("fashion_scenes.mp4"), std::string::npos);
  EXPECT_NE(steps[1].text.find("revcol_fashion_cls.pth (10.2 MB)"), std::string::npos) << steps[1].text;
  EXPECT_NE(steps[1].text.find("2.5 s"), std::string::npos) << steps[1].text;
  EXPECT_FLOAT_EQ(loadingFraction(steps), 0.0f);

  info.live_seq = 3;
  info.summary = "4 columns, widths 24/48/96/192";
  info.status.stage = LoadingStatus::Stage::FirstAnalysis;
  info.status.load_seconds = 1.5;
  info.status.steps_done = 5;
  info.status.steps_total = 10;
  info.status.frame_seq = 3;
  steps = loadingSteps(info);
  EXPECT_TRUE(steps[0].done && steps[1].done && steps[2].active);
  EXPECT_NE(steps[1].text.find("loaded in 1.5 s: 4 columns"), std::string::npos) << steps[1].text;
  EXPECT_NE(steps[2].text.find("frame 3, step 5 of 10"), std::string::npos) << steps[2].text;
  EXPECT_FLOAT_EQ(loadingFraction(steps), 2.5f / 3.0f);
}

// The layout fills the window at classroom projector sizes: no part outside it, none overlapping,
// no unused strip on the right (the old grid left ~250 px there), cells large enough to see.
TEST(LiveLayout, FillsTheWindowAtProjectorSizes) {
  const std::pair<float, float> sizes[] = {{1280, 720}, {1366, 768}, {1920, 1080}};
  for (auto [w, h] : sizes) {
    // As main.cpp sizes the font (height / 32) and LiveView::layoutFor measures DejaVu Sans at that
    // size: a line is the font size plus ImGui's 4 px spacing; "1/32" is 2.3 em, "-8.8e-08" 4.4 em.
    const float font = std::clamp(h / 32.0f, 16.0f, 64.0f);
    LayoutMetrics m;
    m.line_h = font + 4;
    m.row_label_w = font * 2.3f + 8;
    m.scale_w = font * 0.6f + 8 + font * 4.4f;
    m.pad = font * 0.5f;
    for (int columns : {4, 8, 16}) {
      const LiveLayout L = computeLayout(w, h, m, columns);
      SCOPED_TRACE(std::to_string(int(w)) + "x" + std::to_string(int(h)) + ", " + std::to_string(columns) + " columns");
      for (const Box& b : {L.header, L.left, L.grid, L.right, L.footer}) {
        EXPECT_GE(b.x, 0.0f);
        EXPECT_GE(b.y, 0.0f);
        EXPECT_LE(b.right(), w + 0.5f);
        EXPECT_LE(b.bottom(), h + 0.5f);
        EXPECT_GT(b.w, 0.0f);
        EXPECT_GT(b.h, 0.0f);
      }
      EXPECT_LE(L.header.bottom(), L.left.y);
      EXPECT_LE(L.left.right(), L.grid.x);
      EXPECT_LE(L.grid.right(), L.right.x);
      EXPECT_LE(std::max(L.left.bottom(), L.grid.bottom()), L.footer.y);
      EXPECT_LE(L.right.bottom(), L.footer.y);
      // The three parts span the window's width but for the margins.
      EXPECT_NEAR(L.right.right(), w - m.pad, 0.5f);
      EXPECT_NEAR(L.left.x, m.pad, 0.5f);
      // The predictions have room for "column 3: T-shirt/top" in the text font.
      EXPECT_GE(L.right.w, 10 * m.line_h);
      EXPECT_GE(L.left.w, 0.2f * w);
      if (columns == 4) {
        EXPECT_GE(L.cell, h / 6.0f);            // cells a room can see
        EXPECT_GE(L.grid.h, 0.85f * L.left.h);  // the grid is about as tall as the body
      }
      EXPECT_GE(L.cell, 24.0f);
    }
  }
}
