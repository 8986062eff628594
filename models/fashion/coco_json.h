#pragma once
// COCO-style annotations of FashionScenes (instances: bbox [x, y, w, h], area, uncompressed RLE
// masks in COCO's column-major order), ready for a later Cascade Mask R-CNN demo.
#include <nlohmann/json.hpp>

#include <string>

#include "scene_generator.h"

namespace revcol::fashion {

// An empty COCO document: info, categories 1..10 (Fashion-MNIST class + 1), no images yet.
nlohmann::json cocoDocument(const std::string& description);

// Appends the image entry and one annotation per visible item.
void addSceneToCoco(nlohmann::json& doc, const Scene& scene, int image_id, const std::string& file_name);

// COCO uncompressed RLE of a 0/1 mask: run lengths of alternating 0s and 1s in column-major order,
// starting with a (possibly empty) run of 0s.
nlohmann::json uncompressedRle(const cv::Mat& mask);

}  // namespace revcol::fashion
