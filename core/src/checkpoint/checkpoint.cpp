#include "checkpoint/checkpoint.h"

#include <string_view>
#include <unordered_set>

#include "checkpoint/torch_zip.h"
#include "revcol/error.h"

namespace revcol {

namespace {

using pickle::Kind;
using pickle::Value;

// Beyond this, nesting is a crafted file (or a cycle), not a checkpoint.
constexpr int kMaxDepth = 32;

std::string keyText(const Value& key) {
  if (key.isString()) return key.text;
  if (key.isInt()) return std::to_string(key.integer);
  if (key.kind == Kind::Bool) return key.boolean ? "True" : "False";
  return "<" + describe(key) + ">";
}

std::string joinKeys(const Value& dict) {
  std::string out;
  for (const auto& [k, v] : dict.entries) {
    if (out.size() > 200) return out + ", ...";
    out += (out.empty() ? "'" : ", '") + keyText(*k) + "'";
  }
  return out.empty() ? "none" : out;
}

bool hasTensor(const Value& dict) {
  for (const auto& [k, v] : dict.entries) {
    if (v->isTensor()) return true;
  }
  return false;
}

// The dict the weights come from, or an error naming what the file holds instead.
std::pair<const Value*, std::string> pickWeights(const Value& root, WeightsChoice choice) {
  auto entry = [&root](const char* key) -> const Value* {
    const Value* v = dictGet(root, key);
    if (v && !v->isDict()) {
      throw Error(std::string("'") + key + "' holds a " + describe(*v) + ", not a state dict");
    }
    return v;
  };
  if (choice == WeightsChoice::Ema) {
    if (const Value* ema = entry("model_ema")) return {ema, "model_ema"};
    throw Error("no 'model_ema' weights in this checkpoint (top-level keys: " + joinKeys(root) + ")");
  }
  if (const Value* model = entry("model")) return {model, "model"};
  if (const Value* sd = entry("state_dict")) return {sd, "state_dict"};
  if (hasTensor(root)) return {&root, "root"};
  throw Error("no state dict found (top-level keys: " + joinKeys(root) + ")");
}

std::vector<NamedTensor> stateDictTensors(const Value& sd, const std::string& source) {
  static constexpr std::string_view kDataParallel = "module.";
  std::vector<NamedTensor> out;
  std::unordered_set<std::string> seen;
  for (const auto& [k, v] : sd.entries) {
    // Non-tensor entries (rare: extra_state objects) carry no weights.
    if (!v->isTensor()) continue;
    if (!k->isString()) throw Error("state dict '" + source + "' has a non-string key " + describe(*k));
    std::string name = k->text;
    if (std::string_view(name).substr(0, kDataParallel.size()) == kDataParallel) name.erase(0, kDataParallel.size());
    if (!seen.insert(name).second) throw Error("state dict '" + source + "' holds '" + name + "' twice");
    out.push_back({std::move(name), v->tensor});
  }
  if (out.empty()) throw Error("state dict '" + source + "' holds no tensors");
  return out;
}

bool isSequence(const Value& v) { return v.kind == Kind::Tuple || v.kind == Kind::List; }

// meta.PALETTE as mmseg / mmdet store it: a list or tuple of [R, G, B] lists or tuples of ints.
// Anything else (numpy arrays, values outside 0..255) gives an empty palette: callers fall back to
// a default one rather than refusing a checkpoint over how it wants to be drawn.
std::vector<std::array<uint8_t, 3>> paletteOf(const Value* palette) {
  std::vector<std::array<uint8_t, 3>> out;
  if (!palette || !isSequence(*palette)) return out;
  for (const Value* rgb : palette->items) {
    if (!isSequence(*rgb) || rgb->items.size() != 3) return {};
    std::array<uint8_t, 3> c{};
    for (size_t k = 0; k < 3; ++k) {
      const Value& v = *rgb->items[k];
      if (!v.isInt() || v.integer < 0 || v.integer > 255) return {};
      c[k] = uint8_t(v.integer);
    }
    out.push_back(c);
  }
  return out;
}

void readMeta(const Value& root, Checkpoint& ck) {
  const Value* meta = dictGet(root, "meta");
  if (!meta || !meta->isDict()) return;
  if (const Value* classes = dictGet(*meta, "CLASSES");
      classes && (classes->kind == Kind::Tuple || classes->kind == Kind::List)) {
    for (const Value* c : classes->items) {
      if (!c->isString()) throw Error("meta.CLASSES holds a " + describe(*c) + ", not a class name");
      ck.class_names.push_back(c->text);
    }
  }
  if (const Value* config = dictGet(*meta, "config"); config && config->isString()) ck.config_text = config->text;
  ck.palette = paletteOf(dictGet(*meta, "PALETTE"));
}

// Each container is expanded once: that bounds the walk for shared and cyclic structures alike.
void flatten(const Value& v, const std::string& prefix, int depth, std::unordered_set<const Value*>& seen,
             std::vector<NamedTensor>& out) {
  if (v.isTensor()) {
    out.push_back({prefix, v.tensor});
    return;
  }
  const bool container = v.isDict() || v.kind == Kind::List || v.kind == Kind::Tuple;
  if (!container || !seen.insert(&v).second) return;
  if (depth > kMaxDepth) throw Error("nested deeper than " + std::to_string(kMaxDepth) + " levels");
  const std::string dot = prefix.empty() ? "" : prefix + ".";
  if (v.isDict()) {
    for (const auto& [k, x] : v.entries) flatten(*x, dot + keyText(*k), depth + 1, seen, out);
  } else {
    for (size_t i = 0; i < v.items.size(); ++i) flatten(*v.items[i], dot + std::to_string(i), depth + 1, seen, out);
  }
}

}  // namespace

Checkpoint readCheckpoint(const std::string& path, WeightsChoice choice, TensorData data) {
  const std::unique_ptr<TorchFile> file =
      loadTorchFile(path, data == TensorData::ShapesOnly ? StorageData::ShapesOnly : StorageData::Read);
  const Value& root = *file->root;
  try {
    if (!root.isDict()) throw Error("holds a " + describe(root) + ", not a dict with a state dict");
    Checkpoint ck;
    ck.file = path;
    for (const auto& [k, v] : root.entries) ck.top_level_keys.push_back(keyText(*k));
    const Value* ema = dictGet(root, "model_ema");
    ck.has_ema = ema && ema->isDict();
    const auto [weights, source] = pickWeights(root, choice);
    ck.state_dict = stateDictTensors(*weights, source);
    ck.weights_source = source;
    readMeta(root, ck);
    return ck;
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

std::vector<NamedTensor> readTensorFile(const std::string& path) {
  const std::unique_ptr<TorchFile> file = loadTorchFile(path);
  const Value& root = *file->root;
  try {
    if (!root.isDict()) throw Error("holds a " + describe(root) + ", not a dict of tensors");
    std::vector<NamedTensor> out;
    std::unordered_set<const Value*> seen;
    flatten(root, "", 0, seen, out);
    return out;
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

}  // namespace revcol
