// RevColModel: the facade over checkpoint reading, the network and the analyses.
#include <revcol/model.h>

#include "analysis/reconstruction.h"
#include "api/tensor_convert.h"
#include "api/model_access.h"
#include "checkpoint/checkpoint.h"
#include "nn/cpu_runtime.h"
#include "nn/fast_revcol.h"
#include "nn/revcol_net.h"
#include "nn/weights.h"

#include <algorithm>
#include <numeric>

namespace revcol {
namespace {

torch::Device parseDevice(const std::string& name) {
  if (name == "cpu" || name.empty()) return torch::kCPU;
  if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
    if (!torch::cuda::is_available())
      throw Error("device '" + name + "' requested but this libtorch has no usable CUDA device");
    // Full float32 on GPUs: TF32 convolutions (cuDNN's default) would add ~1e-3 relative noise,
    // which the reconstruction analysis would report as model behaviour.
    at::globalContext().setAllowTF32CuDNN(false);
    at::globalContext().setAllowTF32CuBLAS(false);
    return torch::Device(name);
  }
  throw Error("unknown device '" + name + "' (expected 'cpu' or 'cuda')");
}

std::vector<TopClass> topClasses(const torch::Tensor& logits, int k) {
  auto l = logits.detach().to(torch::kCPU, torch::kFloat32).flatten();
  auto p = torch::softmax(l.to(torch::kFloat64), 0);
  k = std::clamp<int>(k, 0, static_cast<int>(l.numel()));
  auto [values, indices] = l.topk(k);
  std::vector<TopClass> out;
  for (int i = 0; i < k; ++i) {
    int64_t idx = indices[i].item<int64_t>();
    out.push_back({idx, values[i].item<float>(), static_cast<float>(p[idx].item<double>())});
  }
  return out;
}

}  // namespace

struct RevColModel::Impl {
  ModelInfo info;
  torch::Device device = torch::kCPU;
  RevColNet net{nullptr};
  RevColNet net64{nullptr};             // float64 twin for reconstruction, built on first use
  std::shared_ptr<FastRevColNet> fast;  // CPU float32 inference path; null: the plain modules
  int threads = 0;                      // LoadOptions::threads

  // Process-wide CPU settings, then the fast path if it applies and agrees with the plain one.
  void prepare(const LoadOptions& options) {
    threads = options.threads;
    if (!device.is_cpu()) return;
    keepActivationsMapped();
    configureCpuThreads(threads);
    fast = checkedFastPath(*net, options.fast, options.bf16, &info.cpu_path);
  }

  // OpenMP's thread count belongs to the calling thread: a worker thread that did not load the
  // model would otherwise run on libtorch's default.
  void enterCall() const {
    if (device.is_cpu()) configureCpuThreads(threads);
  }

  ForwardResult forward(const torch::Tensor& x, const ForwardOptions& opts, const ColumnSink& sink = {}) {
    return fast ? fast->forward(x, opts, sink) : net->forward(x, opts, sink);
  }

  RevColNetImpl& doubleNet() {
    if (!net64) {
      net64 = RevColNet(info.architecture);
      net64->to(device, torch::kFloat64);
      copyWeights(*net, *net64);
      net64->eval();
    }
    return *net64;
  }

  torch::Tensor input(const FloatArray& chw) const {
    if (chw.shape.size() != 3 || chw.shape[0] != 3) throw Error("the model input must be 3 x H x W (RGB, normalised)");
    return viewTensor(chw).unsqueeze(0).to(device, torch::kFloat32, false, /*copy=*/true);
  }

  std::vector<HeadOutput> heads(const std::vector<torch::Tensor>& logits, int top_k) const {
    auto columns = headColumns(info.architecture);
    std::vector<HeadOutput> out;
    for (size_t k = 0; k < logits.size(); ++k) {
      HeadOutput h;
      h.head = static_cast<int>(k);
      h.column = columns.at(k);
      h.logits = toFloatArray(logits[k][0]).values;
      h.top = topClasses(logits[k][0], top_k);
      out.push_back(std::move(h));
    }
    return out;
  }
};

RevColModel::RevColModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RevColModel::RevColModel(RevColModel&&) noexcept = default;
RevColModel& RevColModel::operator=(RevColModel&&) noexcept = default;
RevColModel::~RevColModel() = default;

RevColModel RevColModel::load(const std::string& path, const LoadOptions& options) {
  Checkpoint ck =
      readCheckpoint(path, options.weights == WeightsPreference::Ema ? WeightsChoice::Ema : WeightsChoice::Auto);
  Architecture arch = inferArchitecture(ck.state_dict);
  auto impl = std::make_unique<Impl>();
  impl->device = parseDevice(options.device);
  impl->info.architecture = arch;
  impl->net = RevColNet(arch);
  try {
    loadWeights(*impl->net, ck.state_dict, arch.weights_prefix);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  impl->net->to(impl->device);
  impl->net->eval();
  impl->prepare(options);
  impl->info = describeModel(*impl->net, &ck, impl->info.cpu_path);
  return RevColModel(std::move(impl));
}

Task checkpointTask(const std::string& path) {
  return inferArchitecture(readCheckpoint(path, WeightsChoice::Auto, TensorData::ShapesOnly).state_dict).task;
}

RevColModel RevColModel::random(const Architecture& arch_in, uint64_t seed, const LoadOptions& options) {
  Architecture arch = arch_in;
  arch.task = arch.head == HeadKind::None ? Task::Backbone : Task::Classification;
  arch.weights_prefix.clear();
  arch.variant = guessVariant(arch);
  auto impl = std::make_unique<Impl>();
  impl->device = parseDevice(options.device);
  impl->info.architecture = arch;
  impl->net = RevColNet(arch);
  randomizeWeights(*impl->net, seed);
  impl->net->to(impl->device);
  impl->net->eval();
  impl->prepare(options);
  impl->info = describeModel(*impl->net, nullptr, impl->info.cpu_path);
  return RevColModel(std::move(impl));
}

RevColModel RevColModelAccess::overBackbone(RevColNet net, std::shared_ptr<FastRevColNet> fast, ModelInfo info,
                                           int threads) {
  auto impl = std::make_unique<RevColModel::Impl>();
  const auto params = net->parameters();
  impl->device = params.empty() ? torch::Device(torch::kCPU) : params.front().device();
  impl->net = std::move(net);
  impl->fast = std::move(fast);
  impl->threads = threads;
  impl->info = std::move(info);
  return RevColModel(std::move(impl));
}

ModelInfo describeModel(RevColNetImpl& net, const Checkpoint* ck, const std::string& cpu_path) {
  ModelInfo info;
  info.architecture = net.architecture();
  const auto params = net.parameters();
  for (const auto& p : params) info.parameter_count += p.numel();
  info.device = params.empty() ? "cpu" : torch::Device(params.front().device().type()).str();
  info.cpu_path = cpu_path;
  info.weights_source = "random";
  if (ck) {
    info.file = ck->file;
    info.weights_source = ck->weights_source;
    info.has_ema = ck->has_ema;
    info.class_names = ck->class_names;
  }
  return info;
}

const ModelInfo& RevColModel::info() const { return impl_->info; }

std::vector<HeadOutput> RevColModel::classify(const FloatArray& chw, int top_k) {
  impl_->enterCall();
  torch::NoGradGuard no_grad;
  ForwardOptions opts;
  opts.decoders = false;
  auto result = impl_->forward(impl_->input(chw), opts);
  return impl_->heads(result.logits, top_k);
}

std::vector<HeadOutput> RevColModel::classify(const FloatArray& chw, int top_k, const Ablation& ablation) {
  impl_->enterCall();
  torch::NoGradGuard no_grad;
  ForwardOptions opts;
  opts.decoders = false;
  opts.ablation = &ablation;
  auto result = impl_->forward(impl_->input(chw), opts);
  return impl_->heads(result.logits, top_k);
}

AnalysisResult RevColModel::analyze(const FloatArray& chw, const AnalysisOptions& options) {
  impl_->enterCall();
  torch::NoGradGuard no_grad;
  auto& net = *impl_->net;
  const int n = net.architecture().columns;
  bool want64 = std::count(options.precisions.begin(), options.precisions.end(), Precision::Float64) > 0;
  int total =
      n + (want64 ? n : 0) + static_cast<int>(options.precisions.size() * options.modes.size()) * std::max(0, n - 1);
  int done = 0;
  auto tick = [&] {
    ++done;
    if (options.progress && !options.progress(done, total)) throw Error("analysis cancelled");
  };

  AnalysisResult result;
  auto x = impl_->input(chw);
  std::vector<Levels> features;
  ForwardOptions fwd;
  fwd.decoders = options.decoders;
  fwd.added = options.added_maps;
  auto forward = impl_->forward(x, fwd, [&](const ColumnOutput& out) {
    features.push_back(out.c);
    ColumnAnalysis col;
    col.column = out.column;
    auto& subnet = *net.subnet(out.column);
    for (int l = 0; l < 4; ++l) {
      if (options.features) col.levels[l] = toFloatArray(out.c[l][0]);
      if (options.added_maps) col.added[l] = toFloatArray(out.added[l][0]);
      col.alphas[l] = alphaStats(subnet.alpha[l], subnet.raw_alpha[l]);
    }
    result.columns.push_back(std::move(col));
    tick();
    return true;
  });
  result.heads = impl_->heads(forward.logits, 5);
  for (const auto& image : forward.images) result.decoder_images.push_back(toFloatArray(image[0]));

  for (Precision precision : options.precisions) {
    RevColNetImpl* model = &net;
    torch::Tensor stem = forward.stem;
    std::vector<Levels> feats64;
    if (precision == Precision::Float64) {
      model = &impl_->doubleNet();
      ForwardOptions plain;
      plain.heads = plain.decoders = false;
      auto r = model->forward(x.to(torch::kFloat64), plain, [&](const ColumnOutput& out) {
        feats64.push_back(out.c);
        tick();
        return true;
      });
      stem = r.stem;
    }
    const auto& feats = precision == Precision::Float64 ? feats64 : features;
    for (ReconstructionMode mode : options.modes) {
      Reconstruction rec;
      rec.precision = precision;
      rec.mode = mode;
      FastRevColNet* fast = precision == Precision::Float32 ? impl_->fast.get() : nullptr;
      rec.columns =
          fast ? reconstruct([&](int i, const Levels& c) { return fast->invertColumn(i, stem, c); }, feats, mode, tick)
               : reconstruct(*model, stem, feats, mode, tick);
      result.reconstructions.push_back(std::move(rec));
    }
  }
  return result;
}

}  // namespace revcol
