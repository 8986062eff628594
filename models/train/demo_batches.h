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

ClassificationBatch classificationBatch(const fashion::FashionMnist& data, uint64_t seed, int64_t first, int64_t count,
                                        int side);
SceneBatch sceneBatch(const fashion::FashionMnist& data, uint64_t seed, int64_t first, int64_t count, int size);

}  // namespace revcol::train
