#pragma once
// Relative L2 error ||got - want|| / ||want|| of the tests, in double precision: for torch
// tensors (any dtype, converted to float64) and for FloatArrays (infinity when the shapes differ).
#include <revcol/float_array.h>

#include <cmath>
#include <limits>

namespace revcol {

inline double relL2(const FloatArray& got, const FloatArray& want) {
  if (got.shape != want.shape || got.values.size() != want.values.size())
    return std::numeric_limits<double>::infinity();
  double diff = 0, norm = 0;
  for (size_t i = 0; i < got.values.size(); ++i) {
    const double d = double(got.values[i]) - double(want.values[i]);
    diff += d * d;
    norm += double(want.values[i]) * double(want.values[i]);
  }
  return std::sqrt(diff / norm);
}

// A template so that this header needs no torch headers (pipeline tests do not see them).
template <typename Tensor>
double relL2(const Tensor& got, const Tensor& want) {
  using ScalarType = decltype(got.scalar_type());
  const Tensor g = got.to(ScalarType::Double), w = want.to(ScalarType::Double);
  return ((g - w).norm() / w.norm()).template item<double>();
}

}  // namespace revcol
