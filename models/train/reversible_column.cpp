#include "train/reversible_column.h"

#include <revcol/error.h>

#include <torch/autograd.h>

namespace revcol::train {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

torch::Tensor orZeros(const torch::Tensor& grad, const torch::Tensor& like) {
  return grad.defined() ? grad : torch::zeros_like(like);
}

// Adds `b` when it is defined (a leaf's .grad stays undefined when nothing reached it).
torch::Tensor plus(const torch::Tensor& a, const torch::Tensor& b) { return b.defined() ? a + b : a; }

struct ReverseColumn : public torch::autograd::Function<ReverseColumn> {
  // The column travels as an address in saved_data: it outlives the graph (the training loop
  // owns the network) and autograd has no slot for a module.
  static variable_list forward(AutogradContext* ctx, SubNetImpl* column, const torch::Tensor& x,
                               const torch::Tensor& c0, const torch::Tensor& c1, const torch::Tensor& c2,
                               const torch::Tensor& c3) {
    // Function::apply runs this with grad mode off: nothing of the levels is recorded.
    Levels out = column->forward(x, {c0, c1, c2, c3});
    ctx->saved_data["column"] = reinterpret_cast<int64_t>(column);
    ctx->save_for_backward({x, out[0], out[1], out[2], out[3]});
    return {out[0], out[1], out[2], out[3]};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_out) {
    auto* column = reinterpret_cast<SubNetImpl*>(ctx->saved_data["column"].toInt());
    const variable_list saved = ctx->get_saved_variables();
    const bool first = column->firstColumn();
    torch::AutoGradMode enable_grad(true);

    // Leaves of the local recomputation graphs: .grad collects what flows into them.
    const torch::Tensor x = saved[0].detach().requires_grad_(true);
    Levels c;
    for (size_t l = 0; l < 4; ++l) c[l] = saved[l + 1].detach().requires_grad_(l < 3);
    Levels g_up, g_left, left, oup;
    const torch::Tensor none;

    // Top level first: L3 reads c2, L2 reads c1 and c3(k-1), L1 reads c0 and c2(k-1), L0 reads x
    // and c1(k-1). Each step needs the gradient that the level above sent into its input.
    for (int l = 3; l >= 0; --l) {
      const size_t ul = size_t(l);
      g_up[ul] = orZeros(grad_out[ul], c[ul]);
      if (l < 3) g_up[ul] = plus(g_up[ul], c[ul].grad());
      torch::Tensor c_up;
      if (!first && l < 3) {
        // Feature reverse: the previous column's level above, from this column's output.
        torch::NoGradGuard no_grad;
        left[ul + 1] = (c[ul + 1].detach() - oup[ul + 1]) / column->alpha[ul + 1];
        c_up = left[ul + 1].clone().requires_grad_(true);
      }
      const torch::Tensor c_down = l == 0 ? x : c[ul - 1];
      const torch::Tensor f = column->levelFn(l, c_down, c_up, none);
      torch::autograd::backward({f}, {g_up[ul]});
      oup[ul] = f.detach();
      if (!first && l < 3) {
        // Shortcut c_{l+1}(k) = alpha * c_{l+1}(k-1) + F: the alpha gradient, and the gradient
        // into c_{l+1}(k-1), which also fed this level's up path.
        torch::autograd::backward({left[ul + 1] * column->alpha[ul + 1]}, {g_up[ul + 1]});
        torch::NoGradGuard no_grad;
        g_left[ul + 1] = plus(g_up[ul + 1] * column->alpha[ul + 1], c_up.grad());
      }
    }
    if (!first) {
      {
        torch::NoGradGuard no_grad;
        left[0] = (c[0].detach() - oup[0]) / column->alpha[0];
      }
      torch::autograd::backward({left[0] * column->alpha[0]}, {g_up[0]});
      torch::NoGradGuard no_grad;
      g_left[0] = g_up[0] * column->alpha[0];
    }
    // One gradient per forward argument: the column pointer, x, c0..c3.
    torch::Tensor gx = x.grad().defined() ? x.grad() : torch::zeros_like(x);
    return {torch::Tensor(), gx, g_left[0], g_left[1], g_left[2], g_left[3]};
  }
};

}  // namespace

Levels reversibleColumn(SubNetImpl& column, const torch::Tensor& x, const Levels& prev) {
  if (column.huge()) throw Error("the reversible backward does not support RevCol-H columns (up2)");
  // autograd records metadata of every tensor argument, so the first column's absent previous
  // levels travel as empty tensors (SubNet ignores them) rather than undefined ones.
  Levels in = prev;
  for (torch::Tensor& t : in)
    if (!t.defined()) t = torch::empty({0}, x.options());
  variable_list out = ReverseColumn::apply(&column, x, in[0], in[1], in[2], in[3]);
  return {out[0], out[1], out[2], out[3]};
}

}  // namespace revcol::train
