#pragma once
// COCO-style evaluation of detections and instance masks, as pycocotools' COCOeval computes it:
// ten IoU thresholds .50:.05:.95, 101 recall points, area ranges all / small / medium / large,
// at most 1 / 10 / 100 detections per image, crowd regions honoured. Per-class AP is mmdetection's
// "classwise" figure: the mean precision over IoU thresholds and recall points of one class.
#include <revcol/coco_rle.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace revcol {

struct CocoImage {
  int64_t id = 0;
  std::string file_name;  // as the annotation file has it (often relative to an image folder)
  int width = 0, height = 0;
};

struct CocoCategory {
  int64_t id = 0;
  std::string name;
};

// One annotation of a data set or one detection to evaluate.
struct CocoInstance {
  int64_t image_id = 0, category_id = 0;
  std::array<double, 4> bbox{};  // x, y, w, h in pixels
  CocoRle mask;                  // empty (no counts) when there is none
  // Annotations: their "area" field (what COCO's small / medium / large ranges use). Detections:
  // ignored; the evaluator uses w * h for boxes and the mask's pixel count for masks, as loadRes.
  double area = 0;
  bool iscrowd = false;
  double score = 0;  // detections only
};

struct CocoDataset {
  std::vector<CocoImage> images;
  std::vector<CocoCategory> categories;
  std::vector<CocoInstance> annotations;
};

// Reads a COCO instances file (images, categories, annotations with bbox, area, iscrowd and
// segmentation as polygons, uncompressed or compressed RLE). Throws revcol::Error naming the file
// and the entry when it is not one; files larger than 1 GiB are refused before reading.
CocoDataset readCocoDataset(const std::string& path);

enum class CocoIouType { Box, Mask };
const char* toString(CocoIouType type);  // "bbox", "segm" (COCOeval's iouType)

struct CocoClassAp {
  int64_t category_id = 0;
  std::string name;
  int instances = 0;  // non-crowd ground-truth objects
  double ap = 0;      // AP@[.50:.95]; NaN when the class has no ground truth
  double ap50 = 0;    // AP at IoU .50; NaN likewise
};

struct CocoMetrics {
  CocoIouType type = CocoIouType::Box;
  // COCOeval.stats in its order: AP, AP50, AP75, AP small, medium, large, AR@1, AR@10, AR@100,
  // AR small, medium, large. -1 where no ground truth defines the figure (as pycocotools).
  std::array<double, 12> stats{};
  std::vector<CocoClassAp> per_class;  // in the data set's category order
  int images = 0, ground_truth = 0, detections = 0;

  double ap() const { return stats[0]; }
  double ap50() const { return stats[1]; }
  double ap75() const { return stats[2]; }
};

// The names of COCOeval.stats, e.g. "AP", "AP50", "APs", "AR100" (12 entries).
const std::array<const char*, 12>& cocoStatNames();

// Evaluates `detections` against every image and category of `ground_truth`. Detections on images
// the data set does not list are an error (as pycocotools' loadRes); those of categories it does
// not list are not counted. Mask evaluation needs a mask on every annotation and detection.
CocoMetrics evaluateCoco(const CocoDataset& ground_truth, const std::vector<CocoInstance>& detections,
                         CocoIouType type);

}  // namespace revcol
