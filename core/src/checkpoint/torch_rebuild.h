#pragma once
// The allow-list: the few Python callables a torch.save pickle may "call" that this reader
// re-implements (tensor rebuilds, OrderedDict, bytes). Everything else stays an inert Object.
#include <optional>
#include <string>

#include "checkpoint/pickle_value.h"

namespace revcol::pickle {

// dtype of a storage class named in a persistent id (torch.FloatStorage, ...), if known.
std::optional<torch::ScalarType> storageDtype(const Value& storage_type);

// Hooks::call for torch.save pickles: a new value for an allow-listed callable, else nullptr.
// Throws revcol::Error when an allow-listed call has arguments torch itself would reject, such as
// a tensor view reaching outside its storage.
Value* callAllowListed(const Value& callable, const Value& args, Arena& arena);

}  // namespace revcol::pickle
