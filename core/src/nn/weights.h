#pragma once
// From a generic state dict to a RevCol network: architecture inference, strict name-for-name
// loading, the alpha clamp, and random weights for tests and benchmarks.
#include <revcol/architecture.h>

#include "checkpoint/checkpoint.h"
#include "nn/revcol_net.h"

#include <cstdint>
#include <vector>

namespace revcol {

// Reads channels, layers, columns, kernel, RevCol-H, heads and decoders from the tensor names and
// shapes alone. Throws revcol::Error saying why when the weights are not RevCol's.
Architecture inferArchitecture(const std::vector<NamedTensor>& state_dict);

// Copies every parameter of `net` from state_dict[arch.weights_prefix + name], checking shapes.
// Keys outside the prefix are ignored when the prefix is non-empty (the heads of mmdet/mmseg).
// Missing, unexpected and mismatched keys are reported together in one revcol::Error. Then
// clamps the alphas (clampAlphas), keeping the stored values in SubNet::raw_alpha.
void loadWeights(RevColNetImpl& net, const std::vector<NamedTensor>& state_dict, const std::string& prefix);

// |alpha| raised to at least 1e-3, sign kept, exact 0 stays 0 (SubNet._clamp_abs).
torch::Tensor clampAlpha(const torch::Tensor& alpha);
void clampAlphas(RevColNetImpl& net);

// Deterministic random weights with realistic magnitudes (unlike the 1e-6 layer-scale init, which
// would make every block an identity): conv/linear N(0,1)/sqrt(fan_in), biases N(0,0.05), norm
// weights U(0.7,1.3) and biases N(0,0.1), gamma U(0.2,1), alphas |a| ~ U(0.2,1) with 25 % negative.
void randomizeWeights(RevColNetImpl& net, uint64_t seed);

// Copies every parameter (and raw alpha) of `from` into `to`, converting dtype and device of `to`.
void copyWeights(RevColNetImpl& from, RevColNetImpl& to);

}  // namespace revcol
