#pragma once
// Semantic segmentation with an mmsegmentation 0.x UPerNet + RevCol checkpoint, giving the label
// map mmseg's inference_segmentor gives (mmseg at 4eaa8e6, mmcv 1.5.0): keep-ratio resize with
// OpenCV bilinear on 8-bit pixels (mmcv.imrescale), RGB normalisation, 'whole' or 'slide'
// inference, logits resized back to the original size, softmax, argmax.
// Plain types only (OpenCV + std): the network lives behind the pimpl.
//
// Threading: a Segmenter is not thread-safe; one worker thread owns it (DESIGN: InferenceWorker).
#include <array>
#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "revcol/ablation.h"
#include "revcol/architecture.h"
#include "revcol/float_array.h"
#include "revcol/model.h"

namespace revcol {

enum class SegmentMode { Whole, Slide };
const char* toString(SegmentMode mode);
SegmentMode segmentModeFromName(const std::string& name);  // "whole" | "slide", else revcol::Error

// What the test pipeline does; every field resolved (see Segmenter::defaults()).
struct SegmentSettings {
  int scale_long = 2048, scale_short = 512;  // mmseg img_scale (keep ratio)
  SegmentMode mode = SegmentMode::Whole;
  cv::Size crop{512, 512}, stride{341, 341};  // slide: crop and stride (width, height)
};

// Unset fields take the checkpoint's defaults (its config's test_cfg / test img_scale when the
// checkpoint carries its config, else 2048x512, whole, crop 512, stride 341).
struct SegmentOptions {
  std::optional<int> scale_long, scale_short;
  std::optional<SegmentMode> mode;
  std::optional<cv::Size> crop, stride;
  bool features = false;      // keep backbone levels and decode-head logits of every pass
  bool final_logits = false;  // keep the pre-softmax logits at the original size (large)
  Ablation ablation;          // an intervention on the backbone (none by default)
};

struct ClassShare {
  int index = 0;
  std::string name;
  int64_t pixels = 0;
  double share = 0.0;  // pixels / all pixels
};

struct SegmentPass {
  cv::Rect crop;                     // in the resized image's pixels
  std::array<FloatArray, 4> levels;  // c0..c3 of the last column (C x h x w), with `features`
  FloatArray decode_logits;          // classes x h0 x w0 (stride 4), with `features`
};

struct SegmentResult {
  cv::Mat labels;                   // original size, CV_8U (<= 256 classes) or CV_16U
  std::vector<ClassShare> present;  // classes present, most pixels first
  SegmentSettings settings;         // what was used
  cv::Size resized;                 // the network input size (before slide crops)
  std::vector<SegmentPass> passes;  // one per backbone call
  FloatArray final_logits;          // classes x H x W at the original size, with `final_logits`
};

struct SegmenterInfo {
  Architecture backbone;
  int64_t num_classes = 0;
  int64_t head_channels = 0;
  std::vector<int64_t> pool_scales;
  bool has_auxiliary_head = false;
  std::string file;
  std::string device;
  std::string cpu_path;  // the backbone's: "fast fp32", "fast bf16" or "plain"; "" on CUDA
};

class Segmenter {
 public:
  // options: device, CPU threads, fast backbone path, bf16 (as RevColModel::load; the weights
  // preference does not apply). Throws revcol::Error (not a file, not an mmseg RevCol+UPerNet
  // checkpoint, weights that do not fit, ...).
  static Segmenter load(const std::string& path, const LoadOptions& options = {});

  Segmenter(Segmenter&&) noexcept;
  Segmenter& operator=(Segmenter&&) noexcept;
  ~Segmenter();

  const SegmenterInfo& info() const;
  SegmentSettings defaults() const;
  SegmentSettings resolve(const SegmentOptions& options) const;
  // meta.CLASSES of the checkpoint, else ADE20K's 150 names when there are 150 classes, else
  // "class N". The palette: the checkpoint's meta.PALETTE when it has one colour per class, else
  // defaultPalette(classNames()) (revcol/palette.h: ADE20K's for ADE20K's names, else qualitative).
  const std::vector<std::string>& classNames() const;
  const std::vector<std::array<uint8_t, 3>>& palette() const;  // RGB

  // `rgb`: 8-bit RGB image of any size (at least 32 pixels on each side after the resize).
  SegmentResult segment(const cv::Mat& rgb, const SegmentOptions& options = {});

  // The backbone as a RevColModel sharing this segmenter's weights and fast path (column
  // analysis without a second read of the checkpoint); its info is what RevColModel::load
  // reports for the same file. It stays valid after the segmenter is gone.
  RevColModel backboneModel() const;

 private:
  struct Impl;
  explicit Segmenter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ---- mmseg test pipeline, image part (exposed for tests and tools) ----

// mmcv.rescale_size: s = min(long / max(h, w), short / min(h, w)), size (int(w*s + 0.5), int(h*s + 0.5)).
cv::Size mmsegRescaledSize(cv::Size original, int scale_long, int scale_short);
// mmcv.imrescale with the cv2 backend: cv::resize INTER_LINEAR on the 8-bit image.
cv::Mat mmsegResize(const cv::Mat& rgb, int scale_long, int scale_short);
// mmcv.imnormalize (to_rgb): 3 x H x W float32 of float((x - mean) * (1 / std)) computed in double,
// mean 123.675/116.28/103.53, std 58.395/57.12/57.375 (RGB; both float32 as mmseg stores them).
FloatArray mmsegNormalize(const cv::Mat& rgb);

// ---- drawing ----

// The palette colour of every pixel (RGB).
cv::Mat colorizeLabels(const cv::Mat& labels, const std::vector<std::array<uint8_t, 3>>& palette);
// The colour label map blended over the image (mmseg show_result, opacity 0.5) with a legend of
// the classes present (most pixels first, as many as fit) in the top-left corner. Same size as rgb.
cv::Mat segmentationOverlay(const cv::Mat& rgb, const SegmentResult& result,
                            const std::vector<std::array<uint8_t, 3>>& palette, double opacity = 0.5);

// Every tensor of a torch.save'd {name: tensor} file as float32 arrays, in file order (reference
// data for comparing --raw dumps; used by the parity tests).
std::vector<std::pair<std::string, FloatArray>> readTensorArrays(const std::string& path);

}  // namespace revcol
