#include "train/demo_batches.h"

#include "fashion/scene_generator.h"

#include <cstring>

namespace revcol::train {
namespace {

// RGB HWC uint8 -> CHW float in [0, 1].
torch::Tensor toChw(const cv::Mat& rgb) {
  torch::Tensor hwc = torch::empty({rgb.rows, rgb.cols, 3}, torch::kUInt8);
  for (int y = 0; y < rgb.rows; ++y) std::memcpy(hwc[y].data_ptr<uint8_t>(), rgb.ptr<uint8_t>(y), size_t(rgb.cols) * 3);
  return hwc.permute({2, 0, 1}).to(torch::kFloat32).div_(255.0);
}

// The ImageNet mean/std of revcol-cli's preprocessing (and of mmseg's, in 0..255 units).
torch::Tensor normalise(const torch::Tensor& pixels) {
  const auto mean = torch::tensor({0.485f, 0.456f, 0.406f}).view({1, 3, 1, 1});
  const auto std = torch::tensor({0.229f, 0.224f, 0.225f}).view({1, 3, 1, 1});
  return (pixels - mean) / std;
}

}  // namespace

ClassificationBatch classificationBatch(const fashion::FashionMnist& data, uint64_t seed, int64_t first, int64_t count,
                                        int side) {
  std::vector<torch::Tensor> images;
  std::vector<int64_t> targets;
  for (int64_t i = first; i < first + count; ++i) {
    const fashion::ClassificationSample s = fashion::makeClassificationSample(data, seed, int(i), side);
    images.push_back(toChw(s.image));
    targets.push_back(s.label);
  }
  ClassificationBatch b;
  b.pixels = torch::stack(images);
  b.images = normalise(b.pixels);
  b.targets = torch::tensor(targets, torch::kInt64);
  return b;
}

SceneBatch sceneBatch(const fashion::FashionMnist& data, uint64_t seed, int64_t first, int64_t count, int size) {
  const fashion::SceneOptions o = fashion::sceneOptionsForSize(size);
  std::vector<torch::Tensor> images, labels;
  for (int64_t i = first; i < first + count; ++i) {
    const fashion::Scene s = fashion::makeScene(data, seed, int(i), o);
    images.push_back(toChw(s.image));
    torch::Tensor l = torch::empty({size, size}, torch::kUInt8);
    std::memcpy(l.data_ptr<uint8_t>(), s.labels.data, size_t(size) * size_t(size));
    labels.push_back(l.to(torch::kInt64));
  }
  return {normalise(torch::stack(images)), torch::stack(labels)};
}

DetectionBatch detectionBatch(const fashion::FashionMnist& data, uint64_t seed, int64_t first, int64_t count,
                              int size) {
  const fashion::SceneOptions o = fashion::sceneOptionsForSize(size);
  std::vector<torch::Tensor> images;
  DetectionBatch b;
  for (int64_t i = first; i < first + count; ++i) {
    const fashion::Scene s = fashion::makeScene(data, seed, int(i), o);
    images.push_back(toChw(s.image));
    SceneObjects objects;
    std::vector<float> boxes;
    std::vector<int64_t> labels;
    std::vector<torch::Tensor> masks;
    for (const fashion::SceneItem& item : s.items) {
      if (item.area == 0) continue;  // fully hidden: not an object of the annotations
      boxes.insert(boxes.end(), {float(item.box.x), float(item.box.y), float(item.box.x + item.box.width),
                                 float(item.box.y + item.box.height)});
      labels.push_back(item.category);
      torch::Tensor m = torch::empty({size, size}, torch::kUInt8);
      std::memcpy(m.data_ptr<uint8_t>(), item.mask.data, size_t(size) * size_t(size));
      masks.push_back(m.to(torch::kFloat32));
    }
    const int64_t g = int64_t(labels.size());
    objects.boxes = torch::tensor(boxes, torch::kFloat32).view({g, 4});
    objects.labels = torch::tensor(labels, torch::kInt64).view({g});
    objects.masks = g ? torch::stack(masks) : torch::zeros({0, size, size});
    b.objects.push_back(std::move(objects));
  }
  b.images = normalise(torch::stack(images));
  return b;
}

}  // namespace revcol::train
