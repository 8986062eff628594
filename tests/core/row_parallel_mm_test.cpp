// Products with their rows split over the threads (nn/row_parallel_mm.h).
#include <gtest/gtest.h>

#include "nn/cpu_runtime.h"
#include "nn/row_parallel_mm.h"

namespace revcol {
namespace {

// The same figures as one at::addmm, for an odd row count, with and without bias, with no rows, and
// in inference mode (whose output tensors may only be written in that mode, also by the worker
// threads).
TEST(RowParallelMm, EqualsOneAddmm) {
  configureCpuThreads(2);
  torch::NoGradGuard no_grad;
  torch::manual_seed(9);
  const auto x = torch::randn({37, 300});
  const auto w = torch::randn({64, 300}).t();  // a transposed view, as nn::Linear's weight.t()
  const auto b = torch::randn({64});
  EXPECT_LT((rowParallelMm(x, w, b) - torch::addmm(b, x, w)).abs().max().item<float>(), 1e-4f);
  EXPECT_LT((rowParallelMm(x, w, torch::Tensor()) - torch::mm(x, w)).abs().max().item<float>(), 1e-4f);
  EXPECT_EQ(rowParallelMm(torch::zeros({0, 300}), w, b).sizes(), (std::vector<int64_t>{0, 64}));
  {
    c10::InferenceMode inference;
    const auto xi = torch::randn({37, 300});
    EXPECT_LT((rowParallelMm(xi, w, b) - torch::addmm(b, xi, w)).abs().max().item<float>(), 1e-4f);
  }
  // Parameters that require grad are read, never differentiated through (the heads run without grad).
  const auto wg = torch::randn({300, 64}).requires_grad_();
  EXPECT_FALSE(rowParallelMm(x, wg, b).requires_grad());
}

// float64 (the reconstruction reference net's products): each row is one BLAS call's row, so the
// split changes nothing beyond the last bits of a double.
TEST(RowParallelMm, Float64EqualsOneAddmm) {
  configureCpuThreads(2);
  torch::NoGradGuard no_grad;
  torch::manual_seed(10);
  const auto x = torch::randn({49, 512}, torch::kFloat64);
  const auto w = torch::randn({2048, 512}, torch::kFloat64).t();
  const auto b = torch::randn({2048}, torch::kFloat64);
  const auto got = rowParallelMm(x, w, b), want = torch::addmm(b, x, w);
  EXPECT_EQ(got.scalar_type(), torch::kFloat64);
  EXPECT_LT(((got - want).abs().max() / want.abs().max()).item<double>(), 1e-14);
}

}  // namespace
}  // namespace revcol
