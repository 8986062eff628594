#pragma once
#include <string>

namespace revcol {

// "RevCol Studio 0.1.0 (libtorch 1.13.1, CPU)": shown in --version and the About box.
std::string versionString();
// True when the linked libtorch can run on a CUDA device present on this machine.
bool cudaAvailable();

}  // namespace revcol
