#pragma once
// What a RevCol network looks like, as read from its weights alone (no config file needed).
// Plain data: apps may include this without libtorch.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace revcol {

// Classification heads found in the weights.
enum class HeadKind {
  None,                     // backbone only (detection / segmentation checkpoints, or stripped)
  SingleCls,                // one `cls` head on the last column (inter_supv=False)
  IntermediateSupervision,  // four `cls_blocks`, head k after column (k+1)*columns/4 - 1
};

// Image-reconstruction decoders of intermediate supervision (`decoder_blocks`).
enum class DecoderKind {
  None,
  Decoder,     // 3 x (1x1 conv + LN + GELU, bilinear x2, ConvNeXt block), 1x1 conv, PixelShuffle(4)
  SimDecoder,  // LN + 1x1 conv + PixelShuffle(32); official choice when num_classes > 1000
};

// Where the weights came from; decides what a later head can be built on top of the backbone.
enum class Task {
  Classification,  // official models/revcol.py checkpoints (weights at the root of the state dict)
  Detection,       // mmdet checkpoint: backbone under "backbone.", plus rpn_head / roi_head
  Segmentation,    // mmseg checkpoint: backbone under "backbone.", plus decode_head
  Backbone,        // a bare backbone (stem + subnets, no heads)
};

struct Architecture {
  std::array<int64_t, 4> channels{};  // C0..C3 (strides 4, 8, 16, 32)
  std::array<int64_t, 4> layers{};    // ConvNeXt blocks per level in every column
  int columns = 0;                    // number of subnets
  int kernel_size = 3;                // depthwise kernel of the column blocks (decoders always use 3)
  bool huge = false;                  // RevCol-H: level 0 also fuses c3 of the previous column (`up2`)
  int64_t num_classes = 0;            // 0 when there is no classification head
  HeadKind head = HeadKind::None;
  int num_heads = 0;  // 0, 1 (SingleCls) or 4 (IntermediateSupervision)
  DecoderKind decoder = DecoderKind::None;
  int num_decoders = 0;  // 3 with intermediate supervision, else 0
  // "T", "S", "B", "L", "XL" or "H" when channels, layers and columns equal an official
  // configuration (kernel and classes may differ), else "custom".
  std::string variant = "custom";
  Task task = Task::Classification;
  std::string weights_prefix;  // "backbone." for detection/segmentation checkpoints, else ""
};

// Column index (0-based) after which head k runs: columns/4*(k+1)-1 for intermediate supervision,
// {columns-1} for a single head, {} without heads.
std::vector<int> headColumns(const Architecture& arch);
// Column index after which decoder k runs (the first num_decoders head columns).
std::vector<int> decoderColumns(const Architecture& arch);

// "T" ... "H" or "custom" from channels, layers, columns and huge.
std::string guessVariant(const Architecture& arch);

// The official RevCol-T configuration (64/128/256/512, 2/2/4/2, 4 columns, kernel 3, 1000
// classes, intermediate supervision with Decoders). For benchmarks and demos with random weights.
Architecture revcolTiny();

const char* toString(HeadKind kind);
const char* toString(DecoderKind kind);
const char* toString(Task task);
// One line such as "RevCol-T (64/128/256/512, layers 2/2/4/2, 4 columns, k3, 1000 classes, ...)".
std::string describe(const Architecture& arch);

}  // namespace revcol
