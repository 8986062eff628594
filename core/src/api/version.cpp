#include "revcol/version.h"

#include <torch/cuda.h>
#include <torch/version.h>

namespace revcol {

std::string versionString() {
  std::string s = "RevCol Studio 0.1.0 (libtorch " TORCH_VERSION;
  s += cudaAvailable() ? ", CUDA)" : ", CPU)";
  return s;
}

bool cudaAvailable() { return torch::cuda::is_available(); }

}  // namespace revcol
