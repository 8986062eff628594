// The Ablation panel through the real window: interventions on the shown frame, compared side by
// side with the unmodified predictions.
#include <gtest/gtest.h>

#include "ablation_panel.h"
#include "main_window.h"
#include "window_wait.h"

using namespace revcol::studio;
using revcol::Ablation;
using revcol::studio::testing::openAndWait;
using revcol::studio::testing::waitFor;

namespace {
const QString kData = REVCOL_TEST_DATA;
}

TEST(StudioAblation, StoppingEarlyKeepsTheEarlyHeadsAndMarksLaterOnesNotRun) {
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kData + "/cls/cls_revcol_s4_k3.pth", kData + "/cls/cls_input_224.png"));
  w.runAblation(Ablation{Ablation::Kind::StopAfterColumn, 1, 0});
  ASSERT_TRUE(waitFor([&]() { return w.idle() && w.ablationPanel()->ablated(); }, 60000));
  const auto ablated = w.ablationPanel()->ablated();
  ASSERT_EQ(ablated->heads.size(), 2u);
  // Heads 0 and 1 read columns 0 and 1, which ran unchanged.
  const auto& base = w.lastResult()->analysis.heads;
  for (size_t k = 0; k < 2; ++k)
    for (size_t i = 0; i < base[k].logits.size(); ++i)
      ASSERT_NEAR(ablated->heads[k].logits[i], base[k].logits[i], 1e-4) << k << "," << i;
  const QString text = w.ablationPanel()->comparisonText();
  EXPECT_TRUE(text.contains("stop after column 1")) << text.toStdString();
  EXPECT_TRUE(text.contains("not run")) << text.toStdString();
}

TEST(StudioAblation, DetectionAblationIsDrawnBesideTheComparison) {
  MainWindow w;
  w.show();
  ASSERT_TRUE(openAndWait(w, kData + "/det_cascade_mask_rcnn_revcol_shrunk.pth", kData + "/det/det_input.png"));
  w.runAblation(Ablation{Ablation::Kind::ZeroLevel, 3, 0});
  ASSERT_TRUE(waitFor([&]() { return w.idle() && w.ablationPanel()->ablated(); }, 120000));
  EXPECT_FALSE(w.ablationPanel()->ablatedImage().isNull());
  EXPECT_EQ(w.ablationPanel()->ablatedImage().width(), w.lastResult()->frame_rgb.cols);
  EXPECT_TRUE(w.ablationPanel()->comparisonText().contains("zero c0 of column 3"));
  EXPECT_TRUE(w.ablationPanel()->comparisonText().contains("count"));
}
