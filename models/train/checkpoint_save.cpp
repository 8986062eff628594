#include "train/checkpoint_save.h"

#include <revcol/atomic_file.h>

#include <string_view>

namespace revcol::train {
namespace {

void collect(const torch::nn::Module& module, const std::string& prefix, StateDict& out) {
  for (const auto& p : module.named_parameters(/*recurse=*/false))
    out.emplace_back(prefix + p.key(), p.value().detach().contiguous().clone());
  for (const auto& b : module.named_buffers(/*recurse=*/false))
    out.emplace_back(prefix + b.key(), b.value().detach().contiguous().clone());
  for (const auto& child : module.named_children()) collect(*child.value(), prefix + child.key() + ".", out);
}

c10::Dict<std::string, torch::Tensor> toDict(const StateDict& sd) {
  c10::Dict<std::string, torch::Tensor> dict;  // insertion-ordered, like Python's OrderedDict
  for (const auto& [name, tensor] : sd) dict.insert(name, tensor);
  return dict;
}

void writePickle(const std::string& path, const c10::IValue& root) {
  const std::vector<char> bytes = torch::pickle_save(root);
  writeFileAtomic(path, std::string_view(bytes.data(), bytes.size()));
}

}  // namespace

StateDict stateDict(const torch::nn::Module& module, const std::string& prefix) {
  StateDict out;
  collect(module, prefix, out);
  return out;
}

void saveClassificationCheckpoint(const std::string& path, const StateDict& model) {
  c10::impl::GenericDict root(c10::StringType::get(), c10::AnyType::get());
  root.insert("model", toDict(model));
  writePickle(path, root);
}

void saveOpenMmlabCheckpoint(const std::string& path, const StateDict& state_dict, const OpenMmlabMeta& m) {
  std::vector<c10::IValue> classes(m.classes.begin(), m.classes.end());
  c10::List<c10::List<int64_t>> palette;
  for (const auto& rgb : m.palette) palette.push_back(c10::List<int64_t>({rgb[0], rgb[1], rgb[2]}));
  c10::impl::GenericDict meta(c10::StringType::get(), c10::AnyType::get());
  meta.insert("CLASSES", c10::ivalue::Tuple::create(std::move(classes)));
  meta.insert("PALETTE", palette);
  meta.insert("config", m.config);
  meta.insert("iter", m.iteration);
  c10::impl::GenericDict root(c10::StringType::get(), c10::AnyType::get());
  root.insert("meta", meta);
  root.insert("state_dict", toDict(state_dict));
  writePickle(path, root);
}

}  // namespace revcol::train
