#include "nn/onednn.h"

#include "nn/fast_gelu.h"
#include "nn/small_rows_product.h"
#include "nn/split_bf16_product.h"

#include <revcol/error.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#if REVCOL_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.hpp>
#endif

namespace revcol::fast {
namespace {

thread_local ProductKernels t_kernels = ProductKernels::ByShape;  // ProductKernelsOverride

at::Tensor contiguousFloat(const at::Tensor& t) { return t.detach().to(at::kFloat).contiguous(); }

// The product writes rows x n values of `out` in place: its size and type must be exactly that.
void checkProduct(const at::Tensor& x, int64_t k, int64_t n, const at::Tensor& out, bool out_bf16) {
  const int64_t rows = x.numel() / k;
  if (x.size(-1) != k || out.numel() != rows * n || !out.is_contiguous() ||
      out.scalar_type() != (out_bf16 ? at::kBFloat16 : at::kFloat))
    throw Error("fast path: matrix product shapes do not match");
}

}  // namespace

#if REVCOL_HAVE_ONEDNN

namespace {

using dnnl::memory;
using Dt = memory::data_type;
using Tag = memory::format_tag;

dnnl::engine& engine() {
  static dnnl::engine cpu(dnnl::engine::kind::cpu, 0);
  return cpu;
}

dnnl::stream& stream() {
  thread_local dnnl::stream s(engine());
  return s;
}

memory wrap(const memory::desc& desc, const at::Tensor& t) { return memory(desc, engine(), t.data_ptr()); }

// Primitives per input shape. A session sees few shapes (one per input size); the bound only
// stops a stream of odd sizes from growing it without end.
template <typename Key, typename Value>
class ShapeCache {
 public:
  template <typename Make>
  Value get(const Key& key, Make make) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
    if (entries_.size() >= 32) entries_.clear();
    return entries_.emplace(key, make()).first->second;
  }
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.clear();
  }

 private:
  std::mutex mutex_;
  std::map<Key, Value> entries_;
};

}  // namespace

struct Linear::Impl {
  at::Tensor wt, bias;  // K x N plain (float32 or bfloat16; until packed), 1 x N float32
  Epilogue epilogue;
  bool bf16, out_bf16;
  int64_t k, n;

  struct Packed {
    memory::desc desc;
    memory weights;  // owns its buffer (a handle: copies share it)
  };
  struct Prepared {
    dnnl::matmul matmul;
    Packed weights;  // packed for this primitive (held while it runs)
  };
  // Packed weights per layout: primitives for different row counts usually share one.
  std::mutex packed_mutex;
  std::vector<Packed> packed;
  ShapeCache<int64_t, std::shared_ptr<Prepared>> prepared;
  // The small-rows kernel and the AMX split-bfloat16 kernel can run this product (float32, no
  // oneDNN GELU, the CPU able); whether one does depends on the rows (onSplitBf16, onSmallRows).
  bool small_rows_possible = false, split_possible = false;
  std::shared_ptr<const SmallRowsProduct> small;  // its panels, once packed for it
  std::shared_ptr<const SplitBf16Product> split;  // its bfloat16 parts, once split for it
  int switches = 0;                               // from one kernel's packed form to another's

  // The weights are packed for the kernel a product needs, on first need: oneDNN's layouts (a
  // primitive that wants another layout gets it by a reorder from the first packed one), the
  // small-rows panels or the split parts. The plain copy is dropped once packed. The first switch
  // to another kernel repacks from the form there is and drops it: one input size needs one form
  // per product, and two forms would double RevCol-T's level 3 (64 MiB), much more of RevCol-H. A
  // second switch keeps them all: inputs whose sizes move a product back and forth (a folder of
  // mixed sizes without resizing) would otherwise repack it at every switch. Callers hold
  // packed_mutex.
  at::Tensor plainWeights() {
    if (wt.defined()) return wt;
    if (split) return split->plain();
    if (small) return small->plain();
    at::Tensor plain = at::empty({k, n}, bf16 ? at::kBFloat16 : at::kFloat);
    memory out({{k, n}, bf16 ? Dt::bf16 : Dt::f32, Tag::ab}, engine(), plain.data_ptr());
    dnnl::reorder(packed.front().weights, out).execute(stream(), packed.front().weights, out);
    stream().wait();
    return plain;
  }

  // A form for one kernel was just made: on the first switch the others go. Returns whether
  // oneDNN's copy went, whose primitives the caller then clears outside packed_mutex (prepare()
  // takes that lock under the cache's). A product running on a dropped form holds it until it ends.
  enum class Form { OneDnn, Panels, Split };
  bool madeForm(Form made) {
    const bool others = (made != Form::OneDnn && !packed.empty()) || (made != Form::Panels && small) ||
                        (made != Form::Split && split);
    if (!others || switches++ != 0) return false;
    if (made != Form::Panels) small.reset();
    if (made != Form::Split) split.reset();
    if (made == Form::OneDnn || packed.empty()) return false;
    packed.clear();
    return true;
  }

  Packed packedWeights(const memory::desc& desc) {
    std::lock_guard<std::mutex> lock(packed_mutex);
    for (const Packed& p : packed)
      if (p.desc == desc) return p;
    const bool first = packed.empty();
    const at::Tensor plain = first ? plainWeights() : at::Tensor();
    memory source = first ? memory({{k, n}, bf16 ? Dt::bf16 : Dt::f32, Tag::ab}, engine(), plain.data_ptr())
                          : packed.front().weights;
    Packed out{desc, memory(desc, engine())};
    dnnl::reorder(source, out.weights).execute(stream(), source, out.weights);
    stream().wait();
    packed.push_back(out);
    if (first) madeForm(Form::OneDnn);
    wt = at::Tensor();
    return out;
  }

  // This product over `rows` rows runs on the AMX split-bfloat16 kernel (the override permitting).
  bool onSplitBf16(int64_t rows) const {
    if (!split_possible) return false;
    if (t_kernels == ProductKernels::ByShape) return SplitBf16Product::worthIt(rows, k, n);
    return t_kernels == ProductKernels::SplitBf16WherePossible;
  }

  // This product over `rows` rows runs on the small-rows kernel (the override permitting).
  bool onSmallRows(int64_t rows) const {
    if (!small_rows_possible || rows < 1 || rows > SmallRowsProduct::kMaxRows || onSplitBf16(rows)) return false;
    if (t_kernels == ProductKernels::ByShape || t_kernels == ProductKernels::ByShapeWithoutAmx)
      return SmallRowsProduct::worthIt(rows, k, n);
    return t_kernels == ProductKernels::SmallRowsWherePossible;
  }

  // The panels if they are packed already (a product about to run prefetches them), else null.
  std::shared_ptr<const SmallRowsProduct> packedPanels() {
    std::lock_guard<std::mutex> lock(packed_mutex);
    return small;
  }

  // The form for `Kernel` (SmallRowsProduct or SplitBf16Product) in `slot`, made on first need.
  template <typename Kernel>
  std::shared_ptr<const Kernel> form(std::shared_ptr<const Kernel>& slot, Form which) {
    std::shared_ptr<const Kernel> made;
    bool drop_onednn = false;
    {
      std::lock_guard<std::mutex> lock(packed_mutex);
      if (slot) return slot;
      made = std::make_shared<const Kernel>(plainWeights());
      slot = made;
      wt = at::Tensor();
      drop_onednn = madeForm(which);
    }
    if (drop_onednn) prepared.clear();
    return made;
  }
  std::shared_ptr<const SmallRowsProduct> smallRows() { return form(small, Form::Panels); }
  std::shared_ptr<const SplitBf16Product> splitParts() { return form(split, Form::Split); }

  std::shared_ptr<Prepared> prepare(int64_t rows) {
    const Dt in = bf16 ? Dt::bf16 : Dt::f32, out = out_bf16 ? Dt::bf16 : Dt::f32;
    dnnl::post_ops ops;
    if (epilogue == Epilogue::Gelu) ops.append_eltwise(1.f, dnnl::algorithm::eltwise_gelu_erf, 0.f, 0.f);
    if (epilogue == Epilogue::Accumulate) ops.append_sum(1.f);
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc({{rows, k}, in, Tag::ab}, {{k, n}, in, Tag::any},
                                                       {{1, n}, Dt::f32, Tag::ab}, {{rows, n}, out, Tag::ab}),
                                    attr, engine());
    return std::make_shared<Prepared>(Prepared{dnnl::matmul(pd), packedWeights(pd.weights_desc())});
  }
};

Linear::Linear(const at::Tensor& wt, const at::Tensor& bias, Epilogue epilogue, bool bf16, bool out_bf16)
    : impl_(std::make_shared<Impl>()) {
  impl_->wt = bf16 ? wt.detach().to(at::kBFloat16).contiguous() : contiguousFloat(wt);
  impl_->k = wt.size(0);
  impl_->n = wt.size(1);
  impl_->bias = bias.defined() ? contiguousFloat(bias).view({1, impl_->n}) : at::zeros({1, impl_->n});
  impl_->epilogue = epilogue;
  impl_->bf16 = bf16;
  impl_->out_bf16 = bf16 && out_bf16;
  impl_->small_rows_possible = !bf16 && epilogue != Epilogue::Gelu && SmallRowsProduct::available();
  impl_->split_possible = !bf16 && epilogue != Epilogue::Gelu && SplitBf16Product::available();
}

void Linear::into(const at::Tensor& x_in, at::Tensor& out, const Linear* then) const {
  Impl& p = *impl_;
  const auto in_type = p.bf16 ? at::kBFloat16 : at::kFloat;
  const at::Tensor x = x_in.to(in_type).contiguous();
  checkProduct(x, p.k, p.n, out, p.out_bf16);
  const int64_t rows = x.numel() / p.k;
  if (p.onSplitBf16(rows)) {
    using Output = SplitBf16Product::Output;
    p.splitParts()->run(x.data_ptr<float>(), rows, p.bias.data_ptr<float>(), out.data_ptr<float>(),
                        p.epilogue == Epilogue::Accumulate ? Output::Accumulate
                        : p.epilogue == Epilogue::FastGelu ? Output::Gelu
                                                           : Output::Store);
    return;
  }
  if (p.onSmallRows(rows)) {
    using Output = SmallRowsProduct::Output;
    const auto after = then && then->impl_->onSmallRows(rows) ? then->impl_->packedPanels() : nullptr;
    p.smallRows()->run(x.data_ptr<float>(), rows, p.bias.data_ptr<float>(), out.data_ptr<float>(),
                       p.epilogue == Epilogue::Accumulate ? Output::Accumulate
                       : p.epilogue == Epilogue::FastGelu ? Output::Gelu
                                                          : Output::Store,
                       after.get());
    return;
  }
  auto prepared = p.prepared.get(rows, [&] { return p.prepare(rows); });
  const Dt in = p.bf16 ? Dt::bf16 : Dt::f32, dst = p.out_bf16 ? Dt::bf16 : Dt::f32;
  prepared->matmul.execute(stream(), {{DNNL_ARG_SRC, wrap({{rows, p.k}, in, Tag::ab}, x)},
                                      {DNNL_ARG_WEIGHTS, prepared->weights.weights},
                                      {DNNL_ARG_BIAS, wrap({{1, p.n}, Dt::f32, Tag::ab}, p.bias)},
                                      {DNNL_ARG_DST, wrap({{rows, p.n}, dst, Tag::ab}, out)}});
  if (p.epilogue == Epilogue::FastGelu) geluInPlace(out);
}

bool Linear::mlpInOnePass(const Linear& first_linear, const Linear& second_linear, const at::Tensor& x,
                          at::Tensor& residual) {
  Impl &first = *first_linear.impl_, &second = *second_linear.impl_;
  if (!first.split_possible || !second.split_possible || first.epilogue != Epilogue::FastGelu ||
      second.epilogue != Epilogue::Accumulate || first.n != second.k || x.scalar_type() != at::kFloat ||
      !x.is_contiguous() || x.size(-1) != first.k)
    return false;
  const int64_t rows = x.numel() / first.k;
  const bool fused = t_kernels == ProductKernels::ByShape ? SplitBf16Product::mlpWorthIt(rows, first.k, first.n)
                                                          : t_kernels == ProductKernels::SplitBf16WherePossible;
  if (!fused) return false;
  checkProduct(x, first.k, second.n, residual, false);
  SplitBf16Product::mlp(*first.splitParts(), first.bias.data_ptr<float>(), *second.splitParts(),
                        second.bias.data_ptr<float>(), x.data_ptr<float>(), rows, residual.data_ptr<float>());
  return true;
}

struct LayerNorm::Impl {
  at::Tensor weight, bias;
  ShapeCache<int64_t, std::shared_ptr<dnnl::layer_normalization_forward>> prepared;
};

LayerNorm::LayerNorm(const at::Tensor& weight, const at::Tensor& bias) : impl_(std::make_shared<Impl>()) {
  impl_->weight = contiguousFloat(weight);
  impl_->bias = contiguousFloat(bias);
}

at::Tensor LayerNorm::operator()(const at::Tensor& x_in) const {
  const at::Tensor x = x_in.to(at::kFloat).contiguous();
  const int64_t c = x.size(-1), rows = x.numel() / c;
  if (c != impl_->weight.numel()) throw Error("fast path: LayerNorm over the wrong number of channels");
  auto out = at::empty_like(x);
  const memory::desc desc({rows, c}, Dt::f32, Tag::ab);
  auto ln = impl_->prepared.get(rows, [&] {
    using Flags = dnnl::normalization_flags;
    dnnl::layer_normalization_forward::primitive_desc pd(
        dnnl::layer_normalization_forward::desc(dnnl::prop_kind::forward_inference, desc, 1e-6f,
                                                Flags::use_scale | Flags::use_shift),
        engine());
    return std::make_shared<dnnl::layer_normalization_forward>(pd);
  });
  const memory::desc channels({c}, Dt::f32, Tag::x);
  ln->execute(stream(), {{DNNL_ARG_SRC, wrap(desc, x)},
                         {DNNL_ARG_DST, wrap(desc, out)},
                         {DNNL_ARG_SCALE, wrap(channels, impl_->weight)},
                         {DNNL_ARG_SHIFT, wrap(channels, impl_->bias)}});
  return out;
}

struct DepthwiseConv::Impl {
  at::Tensor weight, bias;  // C x 1 x k x k, C
  int64_t c, k;
  struct Prepared {
    dnnl::convolution_forward conv;
    memory weights;
  };
  ShapeCache<std::array<int64_t, 3>, std::shared_ptr<Prepared>> prepared;
};

DepthwiseConv::DepthwiseConv(const at::Tensor& weight, const at::Tensor& bias) : impl_(std::make_shared<Impl>()) {
  impl_->weight = contiguousFloat(weight);
  impl_->bias = contiguousFloat(bias);
  impl_->c = weight.size(0);
  impl_->k = weight.size(2);
}

at::Tensor DepthwiseConv::operator()(const at::Tensor& nhwc_in) const {
  Impl& p = *impl_;
  const at::Tensor x = nhwc_in.to(at::kFloat).contiguous();
  if (x.dim() != 4 || x.size(3) != p.c) throw Error("fast path: depthwise convolution input is not N x H x W x C");
  const int64_t n = x.size(0), h = x.size(1), w = x.size(2), pad = (p.k - 1) / 2;
  auto out = at::empty_like(x);
  const memory::desc io({n, p.c, h, w}, Dt::f32, Tag::nhwc);
  auto prepared = p.prepared.get({n, h, w}, [&] {
    dnnl::convolution_forward::primitive_desc pd(
        dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, io,
                                        {{p.c, 1, 1, p.k, p.k}, Dt::f32, Tag::any}, {{p.c}, Dt::f32, Tag::x}, io,
                                        {1, 1}, {pad, pad}, {pad, pad}),
        engine());
    memory plain({{p.c, 1, 1, p.k, p.k}, Dt::f32, Tag::goihw}, engine(), p.weight.data_ptr());
    memory packed(pd.weights_desc(), engine());
    dnnl::reorder(plain, packed).execute(stream(), plain, packed);
    stream().wait();
    return std::make_shared<Impl::Prepared>(Impl::Prepared{dnnl::convolution_forward(pd), packed});
  });
  prepared->conv.execute(stream(), {{DNNL_ARG_SRC, wrap(io, x)},
                                    {DNNL_ARG_WEIGHTS, prepared->weights},
                                    {DNNL_ARG_BIAS, wrap({{p.c}, Dt::f32, Tag::x}, p.bias)},
                                    {DNNL_ARG_DST, wrap(io, out)}});
  return out;
}

#else  // libtorch's own operations where oneDNN's headers are absent (e.g. a CUDA libtorch build)

struct Linear::Impl {
  at::Tensor wt, bias;
  Epilogue epilogue;
  bool bf16, out_bf16;
  int64_t k, n;
};

Linear::Linear(const at::Tensor& wt, const at::Tensor& bias, Epilogue epilogue, bool bf16, bool out_bf16)
    : impl_(std::make_shared<Impl>()) {
  impl_->wt = bf16 ? wt.detach().to(at::kBFloat16).contiguous() : contiguousFloat(wt);
  impl_->k = wt.size(0);
  impl_->n = wt.size(1);
  impl_->bias = bias.defined() ? contiguousFloat(bias) : at::zeros({impl_->n});
  impl_->epilogue = epilogue;
  impl_->bf16 = bf16;
  impl_->out_bf16 = bf16 && out_bf16;
}

void Linear::into(const at::Tensor& x_in, at::Tensor& out, const Linear* /*then*/) const {
  const Impl& p = *impl_;
  checkProduct(x_in, p.k, p.n, out, p.out_bf16);
  const at::Tensor x = x_in.reshape({-1, p.k}).to(p.wt.scalar_type());
  auto y = at::addmm(p.bias.to(p.wt.scalar_type()), x, p.wt).to(at::kFloat);
  if (p.epilogue == Epilogue::Gelu) y = at::gelu(y);
  if (p.epilogue == Epilogue::FastGelu) geluInPlace(y);
  auto o = out.view({-1, p.n});
  if (p.epilogue == Epilogue::Accumulate)
    o.add_(y);
  else
    o.copy_(y);
}

bool Linear::mlpInOnePass(const Linear&, const Linear&, const at::Tensor&, at::Tensor&) { return false; }

struct LayerNorm::Impl {
  at::Tensor weight, bias;
};

LayerNorm::LayerNorm(const at::Tensor& weight, const at::Tensor& bias) : impl_(std::make_shared<Impl>()) {
  impl_->weight = contiguousFloat(weight);
  impl_->bias = contiguousFloat(bias);
}

at::Tensor LayerNorm::operator()(const at::Tensor& x) const {
  if (x.size(-1) != impl_->weight.numel()) throw Error("fast path: LayerNorm over the wrong number of channels");
  return at::layer_norm(x.contiguous(), {x.size(-1)}, impl_->weight, impl_->bias, 1e-6, false);
}

struct DepthwiseConv::Impl {
  at::Tensor weight, bias;
};

DepthwiseConv::DepthwiseConv(const at::Tensor& weight, const at::Tensor& bias) : impl_(std::make_shared<Impl>()) {
  impl_->weight = contiguousFloat(weight);
  impl_->bias = contiguousFloat(bias);
}

at::Tensor DepthwiseConv::operator()(const at::Tensor& nhwc) const {
  const int64_t k = impl_->weight.size(2), c = impl_->weight.size(0);
  if (nhwc.dim() != 4 || nhwc.size(3) != c) throw Error("fast path: depthwise convolution input is not N x H x W x C");
  auto y =
      at::conv2d(nhwc.permute({0, 3, 1, 2}), impl_->weight, impl_->bias, {1, 1}, {(k - 1) / 2, (k - 1) / 2}, {1, 1}, c);
  return y.permute({0, 2, 3, 1}).contiguous();
}

#endif

ProductKernelsOverride::ProductKernelsOverride(ProductKernels kernels) : previous_(t_kernels) { t_kernels = kernels; }
ProductKernelsOverride::~ProductKernelsOverride() { t_kernels = previous_; }

int64_t Linear::inputs() const { return impl_->k; }
int64_t Linear::outputs() const { return impl_->n; }

at::Tensor Linear::operator()(const at::Tensor& x, const Linear* then) const {
  const int64_t rows = x.numel() / impl_->k;
  auto out = at::empty({rows, impl_->n}, x.options().dtype(impl_->out_bf16 ? at::kBFloat16 : at::kFloat));
  into(x, out, then);
  return out;
}

double linearPeakGflops(int64_t n, int reps) {
  Linear product(at::randn({n, n}), at::Tensor(), Linear::Epilogue::None);
  auto a = at::randn({n, n});
  auto out = at::empty({n, n});
  product.into(a, out);  // warm-up: primitive creation, packing, OpenMP pool
  std::vector<double> seconds;
  for (int i = 0; i < std::max(1, reps); ++i) {
    auto t0 = std::chrono::steady_clock::now();
    product.into(a, out);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(seconds.begin(), seconds.end());
  return 2.0 * double(n) * double(n) * double(n) / seconds[seconds.size() / 2] / 1e9;
}

}  // namespace revcol::fast
