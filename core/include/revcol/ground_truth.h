#pragma once
// Ground truth found beside an input image, so a view can draw it over (or next to) the model's
// prediction. Plain types only; no model involved.
#include <array>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

namespace revcol {

struct GroundTruthObject {
  std::array<float, 4> box{};  // x1 y1 x2 y2, image pixels (COCO's [x, y, w, h] turned into corners)
  int category_id = 0;         // as the COCO file numbers it (the fashion scenes: Fashion-MNIST class + 1)
  std::string name;            // the category's name, "category N" when the file lists no categories
};

struct GroundTruth {
  std::string source;  // the file(s) it came from, ", "-separated when both kinds exist (shown in the window)
  // Which file each kind came from, for a view that shows only one kind (empty: that kind is absent).
  std::string label_map_file, objects_file;
  cv::Mat label_map;                       // segmentation: CV_8U or CV_16U, same size as the image; empty when none
  std::vector<GroundTruthObject> objects;  // detection: COCO instances of this image; empty when none
};

// Ground truth that sits beside an image: STEM_labels.png (a label map: 0 background, 1 + class, as
// resources/samples/fashion_scenes has them) and/or annotations.json (COCO instances) in the same folder
// naming this file. nullopt when neither exists (or annotations.json does not list this image and there
// is no label map); throws revcol::Error (one line, naming the file) when one exists but is malformed
// or does not match the image's size.
//
// An annotations.json entry names this file when its file_name resolves to it or has its file name;
// failing that, when the trailing number of this file's stem equals both the entry's id and the
// trailing number of its file_name and the sizes agree (scene_005000.png <-> id 5000,
// "images/005000.png": COCO numbers files by image id, and the samples were renamed after generation).
// annotations.json is read only up to 64 MB.
std::optional<GroundTruth> findGroundTruth(const std::string& image_path);

}  // namespace revcol
