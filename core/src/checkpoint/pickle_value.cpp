#include "checkpoint/pickle_value.h"

#include "revcol/error.h"

namespace revcol::pickle {

namespace {

// Python hashes 1, 1.0 and True alike; state dicts only use str and int keys, so only the kinds
// that can collide in practice are folded together.
bool indexKey(const Value& key, std::string& out) {
  switch (key.kind) {
    case Kind::String:
      out = "s" + key.text;
      return true;
    case Kind::Int:
      out = "i" + std::to_string(key.integer);
      return true;
    case Kind::Bool:
      out = "i" + std::to_string(key.boolean ? 1 : 0);
      return true;
    case Kind::None:
      out = "n";
      return true;
    default:
      return false;
  }
}

}  // namespace

const Value* dictGet(const Value& dict, std::string_view key) {
  auto it = dict.key_index.find("s" + std::string(key));
  return it == dict.key_index.end() ? nullptr : dict.entries[it->second].second;
}

void dictSet(Value& dict, Value* key, Value* value) {
  std::string k;
  if (indexKey(*key, k)) {
    auto [it, inserted] = dict.key_index.emplace(k, dict.entries.size());
    if (!inserted) {
      dict.entries[it->second].second = value;
      return;
    }
  }
  dict.entries.emplace_back(key, value);
}

Value* Arena::make(Kind kind) {
  if (values_.size() >= kMaxValues) {
    throw Error("the pickle holds more than " + std::to_string(kMaxValues) + " objects");
  }
  values_.emplace_back();
  values_.back().kind = kind;
  return &values_.back();
}

std::string describe(const Value& value) {
  switch (value.kind) {
    case Kind::None:
      return "None";
    case Kind::Bool:
      return value.boolean ? "True" : "False";
    case Kind::Int:
      return "int " + std::to_string(value.integer);
    case Kind::BigInt:
      return "int";
    case Kind::Float:
      return "float";
    case Kind::String:
      return "str '" + value.text.substr(0, 64) + "'";
    case Kind::Bytes:
      return "bytes";
    case Kind::Tuple:
      return "tuple of " + std::to_string(value.items.size());
    case Kind::List:
      return "list of " + std::to_string(value.items.size());
    case Kind::Dict:
      return "dict of " + std::to_string(value.entries.size());
    case Kind::Set:
      return "set";
    case Kind::Global:
      return "global " + value.module + "." + value.name;
    case Kind::Object:
      if (value.callable && value.callable->kind == Kind::Global) {
        return "object " + value.callable->module + "." + value.callable->name;
      }
      return "object";
    case Kind::Tensor:
      return "tensor";
    case Kind::Storage:
      return "storage";
  }
  return "value";
}

}  // namespace revcol::pickle
