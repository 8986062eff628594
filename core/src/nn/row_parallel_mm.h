#pragma once
// Matrix products with their rows split over the OpenMP threads.
#include <torch/torch.h>

namespace revcol {

// x @ w + bias (bias: one value per column, optional): on the CPU the rows are split over the OpenMP
// threads, one single-threaded BLAS call each. libtorch sends float and double products to OpenBLAS,
// which this process keeps on one thread (its pool would otherwise spin on the cores OpenMP uses),
// so a plain at::addmm runs on one core: the detection box heads' 1000 x 12544 x 1024 products, and
// every product of the float64 reference net. Inference only: the result never requires grad.
torch::Tensor rowParallelMm(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& bias);

}  // namespace revcol
