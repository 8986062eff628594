#pragma once
// FashionScenes: Fashion-MNIST items, scaled, flipped and coloured, composed on procedural
// backgrounds, with exact per-item boxes, instance masks and a semantic label map. Sample i of a
// set depends only on (seed, task, i): sets can be regenerated piecewise and in any order.
#include <opencv2/core.hpp>

#include <cstdint>
#include <vector>

#include "fashion_mnist.h"

namespace revcol::fashion {

constexpr int kBackgroundLabel = 0;  // label maps: 0 background, 1 + Fashion-MNIST class otherwise

struct SceneItem {
  int category = 0;      // Fashion-MNIST class 0..9
  int source_index = 0;  // index of the item in its Fashion-MNIST split
  cv::Rect box;          // tight box of the visible mask
  cv::Mat mask;          // CV_8U, image size, 1 where this item is visible (occlusion applied)
  int area = 0;          // visible pixels
};

struct Scene {
  cv::Mat image;                 // CV_8UC3, RGB
  cv::Mat labels;                // CV_8U, kBackgroundLabel or 1 + category per pixel
  std::vector<SceneItem> items;  // painting order (later items occlude earlier ones)
};

struct SceneOptions {
  int width = 128, height = 128;
  int min_items = 1, max_items = 4;
  int min_side = 36, max_side = 80;  // side of the scaled 28 x 28 item square, pixels
  double max_box_iou = 0.3;          // placements overlapping an earlier item more are redrawn
};

// The options revcol-fashion-scenes and the trainers use for square scenes of `size` pixels.
SceneOptions sceneOptionsForSize(int size);

Scene makeScene(const FashionMnist& data, uint64_t seed, int index, const SceneOptions& options = {});

struct ClassificationSample {
  cv::Mat image;  // CV_8UC3, RGB, side x side
  int label = 0;  // Fashion-MNIST class
  int source_index = 0;
};

// One item, nearly filling a side x side image, near the centre, on a procedural background.
ClassificationSample makeClassificationSample(const FashionMnist& data, uint64_t seed, int index, int side = 64);

}  // namespace revcol::fashion
