#pragma once
// Reading checkpoints written by torch.save (zip format, PyTorch >= 1.6) without executing anything
// from the pickle. Knows nothing about RevCol: yields named tensors plus metadata.
#include <torch/types.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace revcol {

struct NamedTensor {
  std::string name;
  torch::Tensor tensor;
};

enum class WeightsChoice {
  Auto,  // 'model' (official releases), else 'state_dict' (mmcv), else the root dict itself
  Ema,   // 'model_ema' if present, else an error
};

struct Checkpoint {
  std::string file;
  // Order as stored in the file; a leading 'module.' (DataParallel) is stripped from every name.
  std::vector<NamedTensor> state_dict;
  // Which entry the weights came from: "model", "model_ema", "state_dict" or "root".
  std::string weights_source;
  bool has_ema = false;                     // the file also holds 'model_ema'
  std::vector<std::string> top_level_keys;  // for 'revcol-cli info'
  std::vector<std::string> class_names;     // meta.CLASSES of mmdet/mmseg checkpoints, if any
  std::string config_text;                  // meta.config of mmdet/mmseg checkpoints, if any
  // meta.PALETTE (RGB per class) of mmdet/mmseg checkpoints; empty when absent or not a list of
  // [R, G, B] in 0..255 (a palette only colours drawings, so a strange one is not worth refusing the model).
  std::vector<std::array<uint8_t, 3>> palette;
};

enum class TensorData {
  Read,        // the weights
  ShapesOnly,  // meta tensors: names, shapes, types and metadata, read from the pickle alone
};

// Throws revcol::Error naming the file and what is wrong (not a zip, truncated, corrupt, no
// state dict, legacy pre-1.6 format, ...). Never crashes, never asserts on file content.
Checkpoint readCheckpoint(const std::string& path, WeightsChoice choice = WeightsChoice::Auto,
                          TensorData data = TensorData::Read);

// Every tensor of a torch.save'd dict, flattened with '.'-joined keys for nested dicts, in file
// order. For fixture files such as {name: tensor} and for tools.
std::vector<NamedTensor> readTensorFile(const std::string& path);

}  // namespace revcol
