#pragma once
// The inert values a pickle turns into. Nothing here can run code: a Python object the reader does
// not know stays an Object that only records what would have been called with which arguments.
#include <torch/types.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace revcol::pickle {

enum class Kind {
  None,
  Bool,
  Int,
  BigInt,
  Float,
  String,
  Bytes,
  Tuple,
  List,
  Dict,
  Set,
  Global,
  Object,
  Tensor,
  Storage
};

struct Value {
  Kind kind = Kind::None;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0.0;
  std::string text;           // String (UTF-8 as stored), Bytes, BigInt (little-endian two's complement)
  std::string module;         // Global
  std::string name;           // Global
  std::vector<Value*> items;  // Tuple, List, Set; list items appended to an Object
  std::vector<std::pair<Value*, Value*>> entries;  // Dict; dict items set on an Object
  Value* callable = nullptr;                       // Object: the global that would have been called
  Value* args = nullptr;                           // Object: its arguments
  Value* state = nullptr;                          // BUILD state (an OrderedDict's _metadata, an object's __dict__)
  torch::Tensor tensor;                            // Tensor; Storage: all its elements as one flat tensor

  // Python dicts replace an existing key; the index keeps that linear in the number of entries.
  std::unordered_map<std::string, size_t> key_index;

  bool isGlobal(std::string_view m, std::string_view n) const {
    return kind == Kind::Global && module == m && name == n;
  }
  bool isString() const { return kind == Kind::String; }
  bool isDict() const { return kind == Kind::Dict; }
  bool isTuple() const { return kind == Kind::Tuple; }
  bool isInt() const { return kind == Kind::Int; }
  bool isTensor() const { return kind == Kind::Tensor; }
};

// The value of a string key of a dict, or nullptr.
const Value* dictGet(const Value& dict, std::string_view key);

// d[key] = value with Python's semantics for str/int/bool/None keys (an existing key is replaced,
// keeping its position); other keys are appended.
void dictSet(Value& dict, Value* key, Value* value);

// Owns every value of one unpickling, so memo references, shared sub-objects and even cycles (which
// a crafted pickle can build) are plain pointers, and freeing is flat rather than recursive.
class Arena {
 public:
  // A pickle of n bytes can create about n values; the cap keeps a hostile file from turning that
  // into gigabytes (a Value is ~250 bytes). Real checkpoints need ~20 values per tensor.
  static constexpr size_t kMaxValues = size_t{4} << 20;

  Value* make(Kind kind);
  size_t size() const { return values_.size(); }

 private:
  std::deque<Value> values_;
};

// A short description for error messages ("dict", "str 'model'", "object mmcv.Config").
std::string describe(const Value& value);

}  // namespace revcol::pickle
