#include "nn/weights.h"
#include "nn/load_messages.h"

#include <revcol/error.h>

#include <ATen/CPUGeneratorImpl.h>

#include <map>
#include <sstream>
#include <unordered_map>

namespace revcol {
namespace {

using Shapes = std::map<std::string, std::vector<int64_t>>;

[[noreturn]] void notRevCol(const std::string& why, const std::vector<NamedTensor>& sd) {
  std::ostringstream out;
  out << "these weights are not a RevCol network: " << why << "; the state dict has " << sd.size() << " tensors";
  if (!sd.empty()) {
    out << ", first keys: ";
    for (size_t i = 0; i < sd.size() && i < 4; ++i) out << (i ? ", " : "") << sd[i].name;
  }
  throw Error(out.str());
}

}  // namespace

std::vector<int> headColumns(const Architecture& arch) {
  if (arch.head == HeadKind::SingleCls) return {arch.columns - 1};
  if (arch.head != HeadKind::IntermediateSupervision) return {};
  int interval = std::max(1, arch.columns / 4);
  std::vector<int> cols;
  for (int k = 0; k < 4; ++k) cols.push_back(interval * (k + 1) - 1);
  return cols;
}

std::vector<int> decoderColumns(const Architecture& arch) {
  std::vector<int> cols;
  if (arch.decoder == DecoderKind::None) return cols;
  for (int c : headColumns(arch))
    if (c != arch.columns - 1 && static_cast<int>(cols.size()) < arch.num_decoders) cols.push_back(c);
  return cols;
}

std::string guessVariant(const Architecture& a) {
  struct Official {
    const char* name;
    std::array<int64_t, 4> channels, layers;
    int columns;
    bool huge;
  };
  static const Official kOfficial[] = {
      {"T", {64, 128, 256, 512}, {2, 2, 4, 2}, 4, false},    {"S", {64, 128, 256, 512}, {2, 2, 4, 2}, 8, false},
      {"B", {72, 144, 288, 576}, {1, 1, 3, 2}, 16, false},   {"L", {128, 256, 512, 1024}, {1, 2, 6, 2}, 8, false},
      {"XL", {224, 448, 896, 1792}, {1, 2, 6, 2}, 8, false}, {"H", {360, 720, 1440, 2880}, {1, 2, 6, 2}, 8, true},
  };
  for (const auto& o : kOfficial)
    if (o.channels == a.channels && o.layers == a.layers && o.columns == a.columns && o.huge == a.huge) return o.name;
  return "custom";
}

Architecture revcolTiny() {
  Architecture a;
  a.channels = {64, 128, 256, 512};
  a.layers = {2, 2, 4, 2};
  a.columns = 4;
  a.kernel_size = 3;
  a.num_classes = 1000;
  a.head = HeadKind::IntermediateSupervision;
  a.num_heads = 4;
  a.decoder = DecoderKind::Decoder;
  a.num_decoders = 3;
  a.variant = "T";
  return a;
}

const char* toString(HeadKind kind) {
  switch (kind) {
    case HeadKind::None:
      return "none";
    case HeadKind::SingleCls:
      return "cls";
    case HeadKind::IntermediateSupervision:
      return "cls_blocks";
  }
  return "?";
}

const char* toString(DecoderKind kind) {
  switch (kind) {
    case DecoderKind::None:
      return "none";
    case DecoderKind::Decoder:
      return "Decoder";
    case DecoderKind::SimDecoder:
      return "SimDecoder";
  }
  return "?";
}

const char* toString(Task task) {
  switch (task) {
    case Task::Classification:
      return "classification";
    case Task::Detection:
      return "detection";
    case Task::Segmentation:
      return "segmentation";
    case Task::Backbone:
      return "backbone";
  }
  return "?";
}

std::string describe(const Architecture& a) {
  std::ostringstream out;
  out << "RevCol-" << a.variant << (a.huge ? " (huge" : " (") << (a.huge ? ", " : "") << a.channels[0] << "/"
      << a.channels[1] << "/" << a.channels[2] << "/" << a.channels[3] << ", layers " << a.layers[0] << "/"
      << a.layers[1] << "/" << a.layers[2] << "/" << a.layers[3] << ", " << a.columns << " columns, k" << a.kernel_size;
  if (a.head != HeadKind::None)
    out << ", " << a.num_classes << " classes, " << a.num_heads << " x " << toString(a.head);
  if (a.decoder != DecoderKind::None) out << ", " << a.num_decoders << " x " << toString(a.decoder);
  out << ", " << toString(a.task) << ")";
  return out.str();
}

Architecture inferArchitecture(const std::vector<NamedTensor>& sd) {
  Shapes shapes;
  for (const auto& t : sd) shapes[t.name] = t.tensor.sizes().vec();
  Architecture a;
  bool any_backbone = false, det = false, seg = false;
  for (const auto& [name, shape] : shapes) {
    any_backbone |= startsWith(name, "backbone.");
    det |= startsWith(name, "rpn_head.") || startsWith(name, "roi_head.");
    seg |= startsWith(name, "decode_head.") || startsWith(name, "auxiliary_head.");
  }
  const std::string p = (!shapes.count("stem.0.weight") && any_backbone) ? "backbone." : "";
  a.weights_prefix = p;
  auto get = [&](const std::string& name) -> const std::vector<int64_t>* {
    auto it = shapes.find(p + name);
    return it == shapes.end() ? nullptr : &it->second;
  };

  const auto* stem = get("stem.0.weight");
  if (!stem) notRevCol("no '" + p + "stem.0.weight'", sd);
  if (stem->size() != 4 || (*stem)[1] != 3 || (*stem)[2] != 4 || (*stem)[3] != 4)
    notRevCol("'" + p + "stem.0.weight' is " + shapeText(*stem) + ", expected [C0, 3, 4, 4]", sd);
  while (get("subnet" + std::to_string(a.columns) + ".alpha0")) ++a.columns;
  if (a.columns == 0) notRevCol("no column weights ('" + p + "subnet0.alpha0')", sd);

  for (int l = 0; l < 4; ++l) {
    std::string name = "subnet0.alpha" + std::to_string(l);
    const auto* alpha = get(name);
    if (!alpha || alpha->size() != 4 || (*alpha)[0] != 1 || (*alpha)[2] != 1 || (*alpha)[3] != 1)
      notRevCol("'" + p + name + "' is missing or not [1, C, 1, 1]", sd);
    a.channels[l] = (*alpha)[1];
    std::string level = "subnet0.level" + std::to_string(l) + ".blocks.";
    while (get(level + std::to_string(a.layers[l]) + ".dwconv.weight")) ++a.layers[l];
  }
  for (int l = 0; l < 4; ++l) {
    if (a.layers[l] == 0) continue;
    const auto& dw = *get("subnet0.level" + std::to_string(l) + ".blocks.0.dwconv.weight");
    if (dw.size() != 4 || dw[2] != dw[3] || dw[2] % 2 == 0)
      notRevCol("depthwise kernel of level " + std::to_string(l) + " is " + shapeText(dw), sd);
    a.kernel_size = static_cast<int>(dw[2]);
    break;
  }
  a.huge = a.columns > 1 && get("subnet1.level0.fusion.up2.channel_reschedule.0.weight");

  auto classes = [&](const std::string& name) {
    const auto* w = get(name);
    if (!w || w->size() != 2) notRevCol("'" + p + name + "' is not a Linear weight", sd);
    return (*w)[0];
  };
  if (get("cls_blocks.0.classifier.1.weight")) {
    a.head = HeadKind::IntermediateSupervision;
    while (get("cls_blocks." + std::to_string(a.num_heads) + ".classifier.1.weight")) ++a.num_heads;
    a.num_classes = classes("cls_blocks.0.classifier.1.weight");
  } else if (get("cls.classifier.1.weight")) {
    a.head = HeadKind::SingleCls;
    a.num_heads = 1;
    a.num_classes = classes("cls.classifier.1.weight");
  }
  if (get("decoder_blocks.0.proj_layers.0.0.weight")) {
    a.decoder = DecoderKind::Decoder;
    while (get("decoder_blocks." + std::to_string(a.num_decoders) + ".projback.0.weight")) ++a.num_decoders;
  } else if (get("decoder_blocks.0.projback.1.weight")) {
    a.decoder = DecoderKind::SimDecoder;
    while (get("decoder_blocks." + std::to_string(a.num_decoders) + ".projback.1.weight")) ++a.num_decoders;
  }
  if (a.head == HeadKind::IntermediateSupervision && a.num_heads != 4)
    notRevCol("intermediate supervision has 4 heads, found " + std::to_string(a.num_heads), sd);

  if (!p.empty())
    a.task = det ? Task::Detection : seg ? Task::Segmentation : Task::Backbone;
  else
    a.task = a.head == HeadKind::None ? Task::Backbone : Task::Classification;
  a.variant = guessVariant(a);
  return a;
}

torch::Tensor clampAlpha(const torch::Tensor& alpha) { return alpha.abs().clamp_min(1e-3) * alpha.sign(); }

void clampAlphas(RevColNetImpl& net) {
  torch::NoGradGuard no_grad;
  for (int i = 0; i < net.architecture().columns; ++i) {
    auto& s = *net.subnet(i);
    for (int l = 0; l < 4; ++l) {
      s.raw_alpha[l] = s.alpha[l].detach().clone();
      s.alpha[l].copy_(clampAlpha(s.alpha[l]));
    }
  }
}

void loadWeights(RevColNetImpl& net, const std::vector<NamedTensor>& sd, const std::string& prefix) {
  std::unordered_map<std::string, const torch::Tensor*> stored;
  std::vector<std::string> unexpected, missing, mismatched;
  auto params = net.named_parameters(/*recurse=*/true);
  for (const auto& t : sd) {
    if (!startsWith(t.name, prefix)) {
      if (prefix.empty()) unexpected.push_back(t.name);
      continue;  // outside the backbone: the heads of a detector / segmentor
    }
    std::string name = t.name.substr(prefix.size());
    if (!params.contains(name))
      unexpected.push_back(t.name);
    else
      stored[name] = &t.tensor;
  }
  for (const auto& item : params) {
    auto it = stored.find(item.key());
    if (it == stored.end()) {
      missing.push_back(prefix + item.key());
    } else if (!it->second->is_floating_point()) {
      mismatched.push_back(prefix + item.key() + ": stored as a non-float tensor");
    } else if (it->second->sizes() != item.value().sizes()) {
      mismatched.push_back(prefix + item.key() + ": stored " + shapeText(it->second->sizes()) + ", network " +
                           shapeText(item.value().sizes()));
    }
  }
  if (!missing.empty() || !unexpected.empty() || !mismatched.empty()) {
    std::string msg = "the weights do not fit the network inferred from them (" + describe(net.architecture()) + "):";
    if (!missing.empty()) msg += " " + listText("missing", missing) + ";";
    if (!unexpected.empty()) msg += " " + listText("unexpected", unexpected) + ";";
    if (!mismatched.empty()) msg += " " + listText("with another shape", mismatched) + ";";
    msg.pop_back();
    throw Error(msg);
  }
  {
    torch::NoGradGuard no_grad;
    for (auto& item : params) item.value().copy_(*stored.at(item.key()));
  }
  clampAlphas(net);
}

void randomizeWeights(RevColNetImpl& net, uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto gen = at::detail::createCPUGenerator(seed);
  auto params = net.named_parameters(true);
  auto endsWith = [](const std::string& s, const std::string& e) {
    return s.size() >= e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0;
  };
  for (auto& item : params) {
    const std::string& name = item.key();
    auto& p = item.value();
    auto opts = torch::TensorOptions().dtype(torch::kFloat32);
    torch::Tensor v;
    auto uniform = [&](double lo, double hi) { return torch::rand(p.sizes(), gen, opts) * (hi - lo) + lo; };
    auto normal = [&](double std) { return torch::randn(p.sizes(), gen, opts) * std; };
    if (name.find(".alpha") != std::string::npos) {
      auto sign = 1.0 - 2.0 * (torch::rand(p.sizes(), gen, opts) < 0.25).to(torch::kFloat32);
      v = uniform(0.2, 1.0) * sign;
    } else if (endsWith(name, "gamma")) {
      v = uniform(0.2, 1.0);
    } else if (endsWith(name, "weight") && p.dim() >= 2) {
      v = normal(1.0 / std::sqrt(static_cast<double>(p.numel() / p.size(0))));
    } else if (endsWith(name, "weight")) {
      v = uniform(0.7, 1.3);
    } else {
      std::string weight = name.substr(0, name.size() - 4) + "weight";
      bool norm = params.contains(weight) && params[weight].dim() == 1;
      v = normal(norm ? 0.1 : 0.05);
    }
    p.copy_(v);
  }
  clampAlphas(net);
}

void copyWeights(RevColNetImpl& from, RevColNetImpl& to) {
  torch::NoGradGuard no_grad;
  auto src = from.named_parameters(true);
  for (auto& item : to.named_parameters(true)) item.value().copy_(src[item.key()]);
  for (int i = 0; i < from.architecture().columns; ++i)
    for (int l = 0; l < 4; ++l) {
      const auto& raw = from.subnet(i)->raw_alpha[l];
      if (raw.defined()) to.subnet(i)->raw_alpha[l] = raw.to(to.subnet(i)->alpha[l].options());
    }
}

}  // namespace revcol
