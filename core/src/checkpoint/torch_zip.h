#pragma once
// Opens a torch.save zip archive (PyTorch >= 1.6) and unpickles its data.pkl with the storages
// loaded from data/<key>. All failures, whatever layer they come from, become revcol::Error
// "<path>: <what is wrong>".
#include <memory>
#include <string>

#include "checkpoint/pickle_value.h"

namespace revcol {

struct TorchFile {
  pickle::Arena arena;  // owns root and everything reachable from it
  pickle::Value* root = nullptr;
};

// ShapesOnly: every storage is an empty-of-data meta tensor of the right type and size (names,
// shapes and metadata at the cost of the pickle alone; nothing in data/ is read).
enum class StorageData { Read, ShapesOnly };

std::unique_ptr<TorchFile> loadTorchFile(const std::string& path, StorageData data = StorageData::Read);

}  // namespace revcol
