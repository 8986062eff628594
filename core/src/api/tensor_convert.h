#pragma once
// FloatArray <-> torch::Tensor at the boundary of the public API.
#include <revcol/error.h>
#include <revcol/float_array.h>

#include <torch/torch.h>

#include <string>

namespace revcol {

// Copies any tensor (any device, any float dtype) into a float32 row-major FloatArray.
inline FloatArray toFloatArray(const torch::Tensor& t) {
  FloatArray out;
  auto c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  out.shape = c.sizes().vec();
  out.values.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  return out;
}

// A CPU float32 tensor viewing (not owning) the array; clone() it if it must outlive the array.
inline torch::Tensor viewTensor(const FloatArray& a) {
  if (a.shape.empty() || static_cast<int64_t>(a.values.size()) != a.numel())
    throw Error("array shape does not match its " + std::to_string(a.values.size()) + " values");
  return torch::from_blob(const_cast<float*>(a.values.data()), a.shape, torch::kFloat32);
}

}  // namespace revcol
