#pragma once
// Memory-saving training of a RevCol column (models/revcol_function.py ReverseFunction, in C++):
// the forward runs without building a graph and keeps only the column's outputs; the backward
// recomputes each level from the outputs, inverting c_l(k-1) = (c_l(k) - F_l) / alpha_l level by
// level, so no intermediate activation of the column's ConvNeXt blocks is stored.
#include "nn/revcol_net.h"

namespace revcol::train {

// Same values as column(x, prev) (SubNetImpl::forward); gradients reach x, prev, the column's
// parameters and alphas through the reversible backward. `prev` is ignored (may hold undefined
// tensors) in the first column. RevCol-H columns (up2) are not supported: revcol::Error.
// Stochastic layers would need their RNG state replayed; RevCol columns here have none.
Levels reversibleColumn(SubNetImpl& column, const torch::Tensor& x, const Levels& prev);

}  // namespace revcol::train
