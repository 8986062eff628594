#pragma once
// A pickle virtual machine that never imports or calls anything: GLOBAL yields an inert name,
// REDUCE/NEWOBJ ask the hooks (an allow-list kept by the caller) and otherwise record the call as an
// inert Object. Protocols 0-5 minus extension codes, out-of-band buffers and the text string forms.
#include <cstddef>
#include <cstdint>
#include <functional>

#include "checkpoint/pickle_value.h"

namespace revcol::pickle {

struct Hooks {
  // BINPERSID / PERSID: the value that replaces a persistent id. Unset: an error.
  std::function<Value*(const Value& pid, Arena& arena)> persistent_load;
  // REDUCE / NEWOBJ whose callable is a Global: the result, or nullptr to keep the call inert.
  std::function<Value*(const Value& callable, const Value& args, Arena& arena)> call;
};

// Runs the pickle in data[0, size) and returns what STOP returns; the value lives in arena. Throws
// revcol::Error "byte N: ..." for anything malformed (errors from the hooks get the position too).
Value* unpickle(const uint8_t* data, size_t size, Arena& arena, const Hooks& hooks);

}  // namespace revcol::pickle
