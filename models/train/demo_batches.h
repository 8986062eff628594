#pragma once
// FashionScenes samples as training tensors. Sample indices are global: step s of a run with
// batch B reads samples s*B .. s*B+B-1, so a run never sees the same generated image twice.
#include <torch/torch.h>

#include "fashion/fashion_mnist.h"

namespace revcol::train {

struct ClassificationBatch {
  torch::Tensor images;   // N x 3 x S x S, ImageNet-normalised (what revcol-cli feeds the model)
  torch::Tensor pixels;   // N x 3 x S x S in [0, 1] (the decoders' reconstruction target)
  torch::Tensor targets;  // N, int64 class
};

struct SceneBatch {
  torch::Tensor images;  // N x 3 x S x S, normalised like mmseg's (ImageNet mean/std, RGB)
  torch::Tensor labels;  // N x S x S, int64: 0 background, 1 + Fashion-MNIST class
};

// One scene's objects, as mmdet's LoadAnnotations(with_bbox, with_mask) gives them.
struct SceneObjects {
  torch::Tensor boxes;   // G x 4 float: x1, y1, x2, y2 of the visible mask (COCO [x, y, w, h] as corners)
  torch::Tensor labels;  // G int64: Fashion-MNIST class, 0-based (mmdet's labels)
  torch::Tensor masks;   // G x S x S float, 1 where the object is visible
};

struct DetectionBatch {
  torch::Tensor images;  // N x 3 x S x S, normalised like mmdet's (ImageNet mean/std, RGB)
  std::vector<SceneObjects> objects;
};

ClassificationBatch classificationBatch(const fashion::FashionMnist& data, uint64_t seed, int64_t first, int64_t count,
                                        int side);
SceneBatch sceneBatch(const fashion::FashionMnist& data, uint64_t seed, int64_t first, int64_t count, int size);
DetectionBatch detectionBatch(const fashion::FashionMnist& data, uint64_t seed, int64_t first, int64_t count, int size);

}  // namespace revcol::train
