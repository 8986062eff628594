#pragma once
// The image decoders of intermediate supervision on the fast path: the same operations as
// ImageDecoderImpl (nn/modules.h) on NHWC maps, built from the fast path's primitives. As plain
// modules the three of RevCol-T took 11-13 ms per forward at 224 x 224, over a quarter of the fast
// forward; here 2.6-6.1 ms (README).
#include "nn/fast_ops.h"

#include <ATen/ATen.h>

#include <optional>
#include <vector>

namespace revcol::fast {

struct ImageDecoder {
  // Full Decoder, three times: 1x1 convolution + LayerNorm over C + GELU, bilinear x2
  // (align_corners), one ConvNeXt block; then a 1x1 convolution to 4*4*3 channels, PixelShuffle 4.
  struct Stage {
    Up proj;  // the 1x1 convolution and its LayerNorm
    Block block;
  };
  std::vector<Stage> stages;  // empty for the SimDecoder
  // SimDecoder: LayerNorm over C, a 1x1 convolution to 32*32*3 channels, PixelShuffle 32.
  std::optional<LayerNorm> in_norm;
  Linear projback;
  int64_t shuffle = 4;

  // c3: N x H x W x C (NHWC). Returns the image, N x 3 x H' x W', contiguous NCHW.
  at::Tensor operator()(const at::Tensor& c3) const;
};

}  // namespace revcol::fast
