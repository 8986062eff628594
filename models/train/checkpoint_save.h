#pragma once
// Checkpoints in the official layouts, written with torch::pickle_save (libtorch's torch.save-
// compatible zip writer), so Python's torch.load and our own reader both open them.
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace revcol::train {

using StateDict = std::vector<std::pair<std::string, torch::Tensor>>;

// Parameters and buffers in Python's state_dict order (per module: its parameters, its buffers,
// then its children), names prefixed with `prefix`, values detached contiguous copies.
StateDict stateDict(const torch::nn::Module& module, const std::string& prefix = {});

// {'model': state_dict}, as the official classification checkpoints (main.py save_checkpoint).
void saveClassificationCheckpoint(const std::string& path, const StateDict& model);

// mmseg / mmdet (mmcv) layout: {'meta': {'CLASSES': (...), 'PALETTE': [[r, g, b], ...], 'config': str,
// 'iter': int}, 'state_dict': {...}}.
struct OpenMmlabMeta {
  std::vector<std::string> classes;
  std::vector<std::array<int64_t, 3>> palette;
  std::string config;
  int64_t iteration = 0;
};
void saveOpenMmlabCheckpoint(const std::string& path, const StateDict& state_dict, const OpenMmlabMeta& meta);

}  // namespace revcol::train
