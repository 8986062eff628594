#include "checkpoint/torch_rebuild.h"

#include <limits>
#include <vector>

#include "revcol/error.h"

namespace revcol::pickle {

namespace {

// Expanded (stride 0) views may claim more elements than their storage holds; beyond this many,
// a claim is a hostile or corrupt file rather than a checkpoint.
constexpr int64_t kMaxExpandedNumel = int64_t{1} << 28;
constexpr size_t kMaxDims = 64;

std::vector<int64_t> intTuple(const Value* v, const char* what) {
  if (!v || (v->kind != Kind::Tuple && v->kind != Kind::List)) {
    throw Error(std::string("tensor ") + what + " is not a tuple of ints");
  }
  if (v->items.size() > kMaxDims) throw Error(std::string("tensor ") + what + " has too many dimensions");
  std::vector<int64_t> out;
  for (const Value* x : v->items) {
    if (!x->isInt() || x->integer < 0)
      throw Error(std::string("tensor ") + what + " holds a negative or non-int value");
    out.push_back(x->integer);
  }
  return out;
}

// torch._utils._rebuild_tensor(_v2)(storage, storage_offset, size, stride, ...).
Value* rebuildTensor(const Value& args, Arena& arena) {
  if (args.items.size() < 4) throw Error("tensor rebuild with fewer than 4 arguments");
  const Value* storage = args.items[0];
  if (storage->kind != Kind::Storage) throw Error("tensor rebuilt from a " + describe(*storage) + ", not a storage");
  const Value* offset_v = args.items[1];
  if (!offset_v->isInt() || offset_v->integer < 0) throw Error("tensor storage offset is negative or not an int");
  const std::vector<int64_t> sizes = intTuple(args.items[2], "size");
  const std::vector<int64_t> strides = intTuple(args.items[3], "stride");
  if (sizes.size() != strides.size()) throw Error("tensor size and stride differ in length");

  // The last element the view touches must lie inside the storage; all arithmetic overflow-checked.
  const int64_t storage_numel = storage->tensor.numel();
  const int64_t offset = offset_v->integer;
  int64_t numel = 1;
  int64_t last = offset;
  bool empty = false;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == 0) empty = true;
    int64_t step = 0;
    if (__builtin_mul_overflow(sizes[i], numel, &numel) ||
        (sizes[i] > 0 &&
         (__builtin_mul_overflow(sizes[i] - 1, strides[i], &step) || __builtin_add_overflow(last, step, &last)))) {
      throw Error("tensor size/stride overflows");
    }
  }
  if (empty ? offset > storage_numel : last >= storage_numel) {
    throw Error("tensor view (offset " + std::to_string(offset) + ", " + std::to_string(numel) +
                " elements) reaches past its storage of " + std::to_string(storage_numel) + " elements");
  }
  if (numel > storage_numel && numel > kMaxExpandedNumel) {
    throw Error("tensor claims " + std::to_string(numel) + " elements from a storage of " +
                std::to_string(storage_numel));
  }
  Value* t = arena.make(Kind::Tensor);
  t->tensor = storage->tensor.as_strided(sizes, strides, offset);
  return t;
}

// torch._utils._rebuild_parameter(data, requires_grad, hooks[, state]): the tensor itself; gradients
// and hooks mean nothing to an inference tool.
Value* rebuildParameter(const Value& args) {
  if (args.items.empty() || !args.items[0]->isTensor()) throw Error("parameter rebuilt from a non-tensor");
  return args.items[0];
}

// _codecs.encode(str, 'latin1') is how protocol 2 spells Python 3 bytes (numpy scalars use it).
Value* encodeLatin1(const Value& args, Arena& arena) {
  if (args.items.size() != 2 || !args.items[0]->isString() || !args.items[1]->isString()) return nullptr;
  const std::string& codec = args.items[1]->text;
  if (codec != "latin1" && codec != "latin-1" && codec != "iso-8859-1") return nullptr;
  const std::string& s = args.items[0]->text;
  Value* out = arena.make(Kind::Bytes);
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out->text.push_back(static_cast<char>(c));
    } else if ((c == 0xc2 || c == 0xc3) && i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xc0) == 0x80) {
      out->text.push_back(static_cast<char>(((c & 0x03) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3f)));
      ++i;
    } else {
      throw Error("bytes encoded as latin-1 hold a character outside latin-1");
    }
  }
  return out;
}

// OrderedDict() or OrderedDict([(k, v), ...]).
Value* makeDict(const Value& args, Arena& arena) {
  Value* d = arena.make(Kind::Dict);
  if (args.items.empty()) return d;
  const Value* pairs = args.items[0];
  if (args.items.size() != 1 || (pairs->kind != Kind::List && pairs->kind != Kind::Tuple)) return nullptr;
  for (Value* p : pairs->items) {
    if (!p->isTuple() || p->items.size() != 2) return nullptr;
    dictSet(*d, p->items[0], p->items[1]);
  }
  return d;
}

}  // namespace

std::optional<torch::ScalarType> storageDtype(const Value& t) {
  if (t.kind != Kind::Global || t.module != "torch") return std::nullopt;
  static const std::pair<const char*, torch::ScalarType> kTable[] = {
      {"FloatStorage", torch::kFloat32},
      {"DoubleStorage", torch::kFloat64},
      {"HalfStorage", torch::kFloat16},
      {"BFloat16Storage", torch::kBFloat16},
      {"LongStorage", torch::kInt64},
      {"IntStorage", torch::kInt32},
      {"ShortStorage", torch::kInt16},
      {"CharStorage", torch::kInt8},
      {"ByteStorage", torch::kUInt8},
      {"BoolStorage", torch::kBool},
      {"ComplexFloatStorage", torch::kComplexFloat},
      {"ComplexDoubleStorage", torch::kComplexDouble},
  };
  for (const auto& [name, dtype] : kTable) {
    if (t.name == name) return dtype;
  }
  return std::nullopt;
}

Value* callAllowListed(const Value& f, const Value& args, Arena& arena) {
  if (f.isGlobal("torch._utils", "_rebuild_tensor_v2") || f.isGlobal("torch._utils", "_rebuild_tensor")) {
    return rebuildTensor(args, arena);
  }
  if (f.isGlobal("torch._utils", "_rebuild_parameter") || f.isGlobal("torch._utils", "_rebuild_parameter_with_state")) {
    return rebuildParameter(args);
  }
  // Tensor subclasses: rebuild the plain tensor, drop the Python type (it is never imported).
  if (f.isGlobal("torch._utils", "_rebuild_from_type_v2") || f.isGlobal("torch._tensor", "_rebuild_from_type_v2")) {
    // Only the plain rebuilds may be nested, so a crafted chain of these cannot recurse deeply.
    const Value* inner_f = args.items.size() >= 3 ? args.items[0] : nullptr;
    if (inner_f && args.items[2]->isTuple() &&
        (inner_f->isGlobal("torch._utils", "_rebuild_tensor_v2") ||
         inner_f->isGlobal("torch._utils", "_rebuild_parameter") ||
         inner_f->isGlobal("torch._utils", "_rebuild_parameter_with_state"))) {
      Value* inner = callAllowListed(*inner_f, *args.items[2], arena);
      if (inner && inner->isTensor()) return inner;
    }
    return nullptr;
  }
  if (f.isGlobal("collections", "OrderedDict") || f.isGlobal("builtins", "dict") || f.isGlobal("__builtin__", "dict")) {
    return makeDict(args, arena);
  }
  // torch::pickle_save (libtorch's torch.save) wraps typed containers as
  // restore_type_tag(obj, "Dict[str, Tensor]"); the tag only restores a TorchScript type.
  if (f.isGlobal("torch.jit._pickle", "restore_type_tag") && args.items.size() == 2 && args.items[1]->isString())
    return args.items[0];
  // ... and typed int lists as build_intlist([...]) (meta.PALETTE of libtorch-written checkpoints).
  if (f.isGlobal("torch.jit._pickle", "build_intlist") && args.items.size() == 1 && args.items[0]->kind == Kind::List)
    return args.items[0];
  if (f.isGlobal("_codecs", "encode")) return encodeLatin1(args, arena);
  if (f.isGlobal("torch", "Size") && args.items.size() == 1 && args.items[0]->isTuple()) return args.items[0];
  return nullptr;
}

}  // namespace revcol::pickle
