#pragma once
// A RevCol + UPerNet segmentor (mmseg EncoderDecoder, inference only) behind plain types, so
// that revcol_core (OpenCV, no torch headers) can drive it. The test pipeline's image part
// (resize, normalise) is in pipeline/mmseg_preprocess; this part starts at the normalised tensor.
//
// Threading: not thread-safe; one worker owns it (DESIGN: InferenceWorker).
#include <revcol/ablation.h>
#include <revcol/architecture.h>
#include <revcol/float_array.h>
#include <revcol/model.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace revcol {

struct SegNetworkInfo {
  Architecture backbone;
  std::vector<int64_t> head_in_channels;
  int64_t head_channels = 0;
  int64_t num_classes = 0;
  std::vector<int64_t> pool_scales;
  bool has_auxiliary_head = false;              // loaded from the file but unused at inference
  std::vector<std::string> class_names;         // meta.CLASSES, else empty
  std::vector<std::array<uint8_t, 3>> palette;  // meta.PALETTE (RGB), else empty
  std::string config_text;                      // meta.config, else empty
  std::string file;
  std::string device;
  std::string cpu_path;  // the backbone's: "fast fp32", "fast bf16" or "plain"; "" on CUDA
};

struct SegRunOptions {
  bool slide = false;  // mmseg test_cfg.mode 'slide' (else 'whole')
  int crop_h = 512, crop_w = 512;
  int stride_h = 341, stride_w = 341;
  bool keep_features = false;      // fill SegPass::levels and SegPass::decode_logits
  bool keep_final_logits = false;  // fill SegRunOutput::final_logits (classes x H x W, large)
  Ablation ablation;               // an intervention on the backbone (none by default)
};

// One encode_decode call: the whole image, or one crop of the slide grid.
struct SegPass {
  int x = 0, y = 0, width = 0, height = 0;  // in the network input's pixels
  std::array<FloatArray, 4> levels;         // c0..c3 of the last column (C x h x w)
  FloatArray decode_logits;                 // decode head output (classes x h0 x w0), pre-resize
};

struct SegRunOutput {
  int height = 0, width = 0;          // the original image size
  std::vector<uint16_t> labels;       // height * width class indices, row-major
  std::vector<int64_t> pixel_counts;  // per class
  std::vector<SegPass> passes;        // one per backbone call, in mmseg's order
  FloatArray final_logits;            // pre-softmax logits at the original size (on request)
};

class SegmentationNetwork {
 public:
  // Reads an mmseg checkpoint (backbone.* RevCol, decode_head.* UPerNet), builds and loads both,
  // clamps the alphas. pool_scales come from the config text when it names them, else 1,2,3,6.
  // options: device, CPU threads, fast backbone path and bf16 as for RevColModel::load (the
  // weights preference does not apply). Throws revcol::Error.
  static SegmentationNetwork load(const std::string& path, const LoadOptions& options = {});

  SegmentationNetwork(SegmentationNetwork&&) noexcept;
  SegmentationNetwork& operator=(SegmentationNetwork&&) noexcept;
  ~SegmentationNetwork();

  const SegNetworkInfo& info() const;
  // See Segmenter::backboneModel.
  RevColModel backboneModel() const;

  // `chw`: the normalised network input, 3 x H x W float32. The label map is at
  // original_h x original_w: logits resized (bilinear, align_corners False) as mmseg does,
  // softmax, argmax (first index on ties).
  SegRunOutput run(const FloatArray& chw, int original_h, int original_w, const SegRunOptions& options);

 private:
  struct Impl;
  explicit SegmentationNetwork(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Every tensor of a torch.save'd {name: tensor} file as float32 arrays, in file order (reference
// data for --raw comparisons and tests).
std::vector<std::pair<std::string, FloatArray>> readTensorArrays(const std::string& path);

}  // namespace revcol
