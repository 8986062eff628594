#pragma once
// Object detection on images: mmdet's test pipeline (keep-ratio resize, normalise, pad to 32) in
// OpenCV around a DetectionModel, results in original-image pixels, COCO-style JSON (masks as COCO
// RLE, as pycocotools encodes them) and an overlay drawing.
//
// Threading: a Detector is not thread-safe; one worker thread owns it.
#include <revcol/coco_rle.h>
#include <revcol/detection.h>
#include <revcol/palette.h>

#include <opencv2/core.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace revcol {

// mmdet's test pipeline for one image: the network input and its img_meta.
struct MmdetInput {
  FloatArray chw;  // 3 x H x W, RGB, (x - mean) / std, zero padded bottom/right to multiples of 32
  DetImageMeta meta;
  cv::Mat resized;  // the 8-bit RGB image after the resize (the input of Normalize)
};

// Keep-ratio rescale as mmcv.imrescale with scale (scale_long, scale_short): factor
// min(long / max(h, w), short / min(h, w)), new size int(w * s + 0.5) x int(h * s + 0.5),
// cv::resize INTER_LINEAR on uint8; then mmdet's mean 123.675/116.28/103.53 and std
// 58.395/57.12/57.375 (RGB) and zero padding to multiples of 32. `rgb` is 8-bit RGB.
MmdetInput mmdetPreprocess(const cv::Mat& rgb, int scale_long = 1333, int scale_short = 800);

struct DetectOptions {
  // Test scale; 0: the checkpoint's (DetectionModelInfo::test_scale: its config's img_scale, else
  // the released configs' 1333 x 800).
  int scale_long = 0;
  int scale_short = 0;
  float score_thr = 0.05f;
  bool raw = false;   // keep the intermediate tensors (DetectResult::raw)
  Ablation ablation;  // an intervention on the backbone (none by default)
};

struct DetectedObject {
  int label = 0;     // 0-based class index
  std::string name;  // class name
  float score = 0.f;
  std::array<float, 4> box{};  // x1, y1, x2, y2 in original-image pixels
  cv::Mat mask;                // CV_8U original size, 255 inside (empty without a mask head)
};

struct DetectResult {
  std::vector<DetectedObject> objects;  // score-descending
  DetImageMeta meta;
  std::array<FloatArray, 4> backbone;                   // c0..c3 of the last column, for the feature explorer
  std::vector<std::pair<std::string, FloatArray>> raw;  // see DetectionOutput::raw (+ "input")
  DetectionTimings timings;
  double preprocess_ms = 0;
};

class Detector {
 public:
  static Detector load(const std::string& checkpoint, const LoadOptions& options = {});
  explicit Detector(DetectionModel model);

  const DetectionModelInfo& info() const { return model_.info(); }
  // meta.CLASSES when present, else the 80 COCO names for 80 classes, else "class N".
  const std::vector<std::string>& classNames() const { return names_; }
  // RGB per class: meta.PALETTE when it has one colour per class, else defaultPalette(classNames())
  // (mmdet's COCO palette for COCO's names, else qualitative). What drawDetections() and the
  // studio's boxes are coloured with.
  const std::vector<Rgb>& palette() const { return palette_; }

  DetectResult detect(const cv::Mat& rgb, const DetectOptions& options = {});

  // The backbone as a RevColModel sharing this detector's weights (DetectionModel::backboneModel).
  RevColModel backboneModel() const { return model_.backboneModel(); }

 private:
  DetectionModel model_;
  std::vector<std::string> names_;
  std::vector<Rgb> palette_;
};

// COCO-style results: [{"bbox": [x, y, w, h], "score", "category_id" (0-based), "category",
// "segmentation": {"size": [h, w], "counts": "..."}}, ...] (segmentation only with masks).
std::string detectionsToCocoJson(const std::vector<DetectedObject>& objects);

// The colour of class `label` when no palette is at hand: qualitativeColor(label), which is what
// defaultPalette() gives unnamed classes. Prefer classColor(detector.palette(), label).
std::array<uint8_t, 3> detectionClassColor(int label);

// Translucent masks, boxes and "name score" labels over the RGB image (8-bit RGB result), each
// object in classColor(palette, label). Label text is at least 12 pixels or 1/30 of the image's
// shorter side high, whichever is larger, so it stays legible on small and large images alike.
cv::Mat drawDetections(const cv::Mat& rgb, const std::vector<DetectedObject>& objects, const std::vector<Rgb>& palette,
                       double mask_alpha = 0.45);
// Only the translucent masks (no boxes, no text): for views that draw boxes and labels themselves
// at screen size.
cv::Mat drawDetectionMasks(const cv::Mat& rgb, const std::vector<DetectedObject>& objects,
                           const std::vector<Rgb>& palette, double mask_alpha = 0.45);
// As above in detectionClassColor() colours: for callers that have no palette yet.
cv::Mat drawDetections(const cv::Mat& rgb, const std::vector<DetectedObject>& objects, double mask_alpha = 0.45);

}  // namespace revcol
