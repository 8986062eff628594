#include "scene_generator.h"

#include <revcol/error.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "prng.h"
#include "texture.h"

namespace revcol::fashion {
namespace {

// Streams of mixSeed: the two tasks never share engine seeds.
constexpr uint64_t kSceneStream = 1, kClassificationStream = 2;

// Item intensity (0..1) scaled from 28 x 28 to side x side by bilinear sampling in double
// (pixel-centre aligned, like cv::INTER_LINEAR, but bit-identical on every CPU).
std::vector<double> scaledItem(const uint8_t* pixels, int side, bool flip) {
  std::vector<double> out(size_t(side) * size_t(side));
  const double scale = double(kItemSide) / side;
  auto src = [&](int y, int x) {
    y = std::clamp(y, 0, kItemSide - 1);
    x = std::clamp(x, 0, kItemSide - 1);
    if (flip) x = kItemSide - 1 - x;
    return pixels[y * kItemSide + x] / 255.0;
  };
  for (int y = 0; y < side; ++y) {
    const double sy = (y + 0.5) * scale - 0.5;
    const int y0 = int(std::floor(sy));
    const double fy = sy - y0;
    for (int x = 0; x < side; ++x) {
      const double sx = (x + 0.5) * scale - 0.5;
      const int x0 = int(std::floor(sx));
      const double fx = sx - x0;
      const double top = src(y0, x0) * (1 - fx) + src(y0, x0 + 1) * fx;
      const double bottom = src(y0 + 1, x0) * (1 - fx) + src(y0 + 1, x0 + 1) * fx;
      out[size_t(y) * size_t(side) + size_t(x)] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

// Pixels at or above this intensity belong to the item's mask (Fashion-MNIST backgrounds are 0;
// faint anti-aliased rims below it are blended into the image but not labelled).
constexpr double kMaskThreshold = 0.1;

struct Placed {
  cv::Rect box;             // where the side x side square lands
  std::vector<double> ink;  // scaled intensity
  int side = 0;
};

// Paints an item: alpha rises steeply with intensity so garments are opaque, while the shade
// keeps Fashion-MNIST's internal texture (seams, prints) visible on the colour.
void paintItem(cv::Mat& image, const Placed& p, const std::array<double, 3>& colour, cv::Mat* mask) {
  for (int y = 0; y < p.side; ++y) {
    for (int x = 0; x < p.side; ++x) {
      const int iy = p.box.y + y, ix = p.box.x + x;
      if (iy < 0 || ix < 0 || iy >= image.rows || ix >= image.cols) continue;
      const double v = p.ink[size_t(y) * size_t(p.side) + size_t(x)];
      if (v <= 0) continue;
      const double a = std::min(1.0, v * 3.0), shade = 0.35 + 0.65 * v;
      auto& px = image.at<cv::Vec3b>(iy, ix);
      for (int c = 0; c < 3; ++c) px[c] = cv::saturate_cast<uint8_t>(px[c] * (1 - a) + colour[size_t(c)] * shade * a);
      if (mask && v >= kMaskThreshold) mask->at<uint8_t>(iy, ix) = 1;
    }
  }
}

std::array<double, 3> itemColour(Prng& rng) {
  // Saturated, bright colours so items stand out of the muted backgrounds most of the time.
  std::array<double, 3> c{rng.uniform(40, 255), rng.uniform(40, 255), rng.uniform(40, 255)};
  c[size_t(rng.uniformInt(0, 2))] = rng.uniform(200, 255);
  return c;
}

double boxIou(const cv::Rect& a, const cv::Rect& b) {
  const double inter = (a & b).area();
  const double uni = double(a.area()) + double(b.area()) - inter;
  return uni > 0 ? inter / uni : 0;
}

cv::Rect inkBox(const Placed& p) {
  int x0 = p.side, y0 = p.side, x1 = -1, y1 = -1;
  for (int y = 0; y < p.side; ++y)
    for (int x = 0; x < p.side; ++x)
      if (p.ink[size_t(y) * size_t(p.side) + size_t(x)] >= kMaskThreshold) {
        x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
      }
  if (x1 < 0) return {};
  return {p.box.x + x0, p.box.y + y0, x1 - x0 + 1, y1 - y0 + 1};
}

void checkData(const FashionMnist& data) {
  if (data.count() == 0) throw Error("FashionScenes needs a loaded Fashion-MNIST split, got none");
}

}  // namespace

SceneOptions sceneOptionsForSize(int size) {
  SceneOptions o;
  o.width = o.height = size;
  o.min_side = std::max(8, size * 9 / 32);
  o.max_side = std::max(o.min_side, size * 5 / 8);
  return o;
}

Scene makeScene(const FashionMnist& data, uint64_t seed, int index, const SceneOptions& o) {
  checkData(data);
  if (o.width < 32 || o.height < 32 || o.min_side < 8 || o.max_side < o.min_side ||
      o.max_side > std::min(o.width, o.height) || o.min_items < 1 || o.max_items < o.min_items)
    throw Error("invalid FashionScenes options (size >= 32, 8 <= min_side <= max_side <= size, 1 <= min <= max items)");
  Prng rng(mixSeed(seed, kSceneStream, uint64_t(index)));
  Scene scene;
  scene.image = proceduralBackground(o.width, o.height, rng);
  const int wanted = rng.uniformInt(o.min_items, o.max_items);
  std::vector<cv::Rect> ink_boxes;
  std::vector<SceneItem> items;
  for (int k = 0; k < wanted; ++k) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      Placed p;
      const int src = rng.uniformInt(0, data.count() - 1);
      p.side = rng.uniformInt(o.min_side, o.max_side);
      const bool flip = rng.chance(0.5);
      p.box = {rng.uniformInt(0, o.width - p.side), rng.uniformInt(0, o.height - p.side), p.side, p.side};
      const std::array<double, 3> colour = itemColour(rng);
      p.ink = scaledItem(data.image(src), p.side, flip);
      const cv::Rect ink = inkBox(p);
      if (ink.area() == 0) continue;
      bool clash = false;
      for (const cv::Rect& other : ink_boxes) clash = clash || boxIou(ink, other) > o.max_box_iou;
      if (clash) continue;
      SceneItem item;
      item.category = data.labels[size_t(src)];
      item.source_index = src;
      item.mask = cv::Mat::zeros(o.height, o.width, CV_8U);
      paintItem(scene.image, p, colour, &item.mask);
      // Occlusion: what this item covers is no longer visible in the earlier ones.
      for (SceneItem& earlier : items) earlier.mask.setTo(0, item.mask);
      items.push_back(std::move(item));
      ink_boxes.push_back(ink);
      break;
    }
  }
  scene.labels = cv::Mat::zeros(o.height, o.width, CV_8U);
  for (SceneItem& item : items) {
    item.area = cv::countNonZero(item.mask);
    if (item.area == 0) continue;  // fully covered: nothing to annotate
    item.box = cv::boundingRect(item.mask);
    scene.labels.setTo(1 + item.category, item.mask);
    scene.items.push_back(std::move(item));
  }
  return scene;
}

ClassificationSample makeClassificationSample(const FashionMnist& data, uint64_t seed, int index, int side) {
  checkData(data);
  if (side < 32) throw Error("classification samples need a side of at least 32 pixels (RevCol's minimum input)");
  Prng rng(mixSeed(seed, kClassificationStream, uint64_t(index)));
  ClassificationSample s;
  s.image = proceduralBackground(side, side, rng);
  s.source_index = rng.uniformInt(0, data.count() - 1);
  s.label = data.labels[size_t(s.source_index)];
  Placed p;
  p.side = rng.uniformInt(side * 3 / 4, side);
  const int jitter = (side - p.side) / 2;
  p.box = {jitter + rng.uniformInt(-jitter, jitter), jitter + rng.uniformInt(-jitter, jitter), p.side, p.side};
  const bool flip = rng.chance(0.5);
  const std::array<double, 3> colour = itemColour(rng);
  p.ink = scaledItem(data.image(s.source_index), p.side, flip);
  paintItem(s.image, p, colour, nullptr);
  return s;
}

}  // namespace revcol::fashion
