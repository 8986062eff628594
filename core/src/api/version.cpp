#include "revcol/version.h"

#include <torch/cuda.h>
#include <torch/version.h>

#include "revcol_version_config.h"  // generated: REVCOL_VERSION

namespace revcol {

std::string versionString() {
  std::string s = "RevCol Studio " REVCOL_VERSION " (libtorch " TORCH_VERSION;
  s += cudaAvailable() ? ", CUDA)" : ", CPU)";
  return s;
}

bool cudaAvailable() { return torch::cuda::is_available(); }

}  // namespace revcol
