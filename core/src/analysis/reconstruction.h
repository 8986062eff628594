#pragma once
// Reversible reconstruction: running a column backwards to recover its predecessor's features,
// exactly as the reversible backward pass of the official code does (revcol_function.py).
#include <revcol/analysis.h>

#include "nn/revcol_net.h"

#include <functional>
#include <vector>

namespace revcol {

// Features of column i-1 from the outputs `c` of column i (i >= 1) and the stem output x:
//   c3' = (c3 - L3(c2)) / a3,  c2' = (c2 - L2(c1, c3')) / a2,
//   c1' = (c1 - L1(c0, c2')) / a1,  c0' = (c0 - L0(x, c1'[, c3'])) / a0   (RevCol-H: c3' too).
Levels invertColumn(SubNetImpl& column, const torch::Tensor& x, const Levels& c);

// rel L2, max abs and the H x W mean-|error| map of one level (batch 1), computed in float64.
LevelError compareLevel(const torch::Tensor& recovered, const torch::Tensor& truth);

// Recovers columns 0..N-2 from `features` (the true c's of every column, in the net's dtype).
// Step: column i-1 from the true features of column i. Chain: from the last column down, each
// inversion fed with the previous recovery. `tick` is called after each inversion.
std::vector<ColumnReconstruction> reconstruct(RevColNetImpl& net, const torch::Tensor& x,
                                              const std::vector<Levels>& features, ReconstructionMode mode,
                                              const std::function<void()>& tick = {});
// The same with any inversion: invert(i, c) returns the features of column i-1 from those of i
// (the fast path's FastRevColNet::invertColumn).
using ColumnInverse = std::function<Levels(int column, const Levels& c)>;
std::vector<ColumnReconstruction> reconstruct(const ColumnInverse& invert, const std::vector<Levels>& features,
                                              ReconstructionMode mode, const std::function<void()>& tick = {});

// |alpha| statistics of one level: `clamped` (as used) and `raw` (as stored; may be undefined).
AlphaStats alphaStats(const torch::Tensor& clamped, const torch::Tensor& raw);

}  // namespace revcol
