#pragma once
// The training forward of a RevCol network: stem, columns (ordinary autograd or the reversible
// backward), and the intermediate-supervision heads and decoders at the official columns.
#include "nn/revcol_net.h"

#include <vector>

namespace revcol::train {

struct TrainForward {
  Levels last;                        // c0..c3 of the last column
  std::vector<torch::Tensor> logits;  // per classification head, in head order
  std::vector<torch::Tensor> images;  // per decoder (reconstruction logits, N x 3 x H x W)
};

// Raises every |alpha| to at least 1e-3 in place, as SubNet.forward does before each step.
void clampAlphasInPlace(RevColNetImpl& net);

TrainForward trainForward(RevColNetImpl& net, const torch::Tensor& input, bool reversible);

}  // namespace revcol::train
