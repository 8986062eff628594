#include "nn/row_parallel_mm.h"

#include <ATen/Parallel.h>

namespace revcol {

torch::Tensor rowParallelMm(const torch::Tensor& x_in, const torch::Tensor& w_in, const torch::Tensor& bias_in) {
  // Detached: the OpenMP workers run in libtorch's default (grad) mode, whatever the caller's is.
  const torch::Tensor x = x_in.detach().contiguous(), w = w_in.detach();
  const torch::Tensor bias = bias_in.defined() ? bias_in.detach() : bias_in;
  if (!x.is_cpu() || x.dim() != 2) return bias.defined() ? torch::addmm(bias, x, w) : torch::mm(x, w);
  torch::Tensor out = torch::empty({x.size(0), w.size(1)}, x.options());
  const bool inference = c10::InferenceMode::is_enabled();
  at::parallel_for(0, x.size(0), 1, [&](int64_t begin, int64_t end) {
    c10::InferenceMode mode(inference);  // an inference-mode `out` may only be written in that mode
    torch::Tensor o = out.narrow(0, begin, end - begin);
    const torch::Tensor rows = x.narrow(0, begin, end - begin);
    if (bias.defined())
      torch::addmm_out(o, bias, rows, w);
    else
      torch::mm_out(o, rows, w);
  });
  return out;
}

}  // namespace revcol
