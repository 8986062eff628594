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

std::unique_ptr<TorchFile> loadTorchFile(const std::string& path);

}  // namespace revcol
