#pragma once
// A dense float32 array in row-major order: how core hands tensors to views and exporters
// without exposing libtorch types in public headers.
#include <cstdint>
#include <vector>

namespace revcol {

struct FloatArray {
  std::vector<int64_t> shape;
  std::vector<float> values;

  int64_t numel() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return shape.empty() ? 0 : n;
  }
  bool empty() const { return values.empty(); }
};

}  // namespace revcol
