#include "coco_json.h"

namespace revcol::fashion {

nlohmann::json cocoDocument(const std::string& description) {
  nlohmann::json doc;
  doc["info"] = {{"description", description}, {"version", "1"}};
  doc["images"] = nlohmann::json::array();
  doc["annotations"] = nlohmann::json::array();
  doc["categories"] = nlohmann::json::array();
  for (size_t c = 0; c < classNames().size(); ++c)
    doc["categories"].push_back({{"id", int(c) + 1}, {"name", classNames()[c]}, {"supercategory", "fashion"}});
  return doc;
}

nlohmann::json uncompressedRle(const cv::Mat& mask) {
  std::vector<int> counts;
  uint8_t current = 0;
  int run = 0;
  for (int x = 0; x < mask.cols; ++x) {
    for (int y = 0; y < mask.rows; ++y) {
      const uint8_t v = mask.at<uint8_t>(y, x) ? 1 : 0;
      if (v != current) {
        counts.push_back(run);
        current = v;
        run = 0;
      }
      ++run;
    }
  }
  counts.push_back(run);
  return {{"size", {mask.rows, mask.cols}}, {"counts", counts}};
}

void addSceneToCoco(nlohmann::json& doc, const Scene& scene, int image_id, const std::string& file_name) {
  doc["images"].push_back(
      {{"id", image_id}, {"file_name", file_name}, {"width", scene.image.cols}, {"height", scene.image.rows}});
  for (const SceneItem& item : scene.items) {
    const int id = int(doc["annotations"].size()) + 1;
    doc["annotations"].push_back({{"id", id},
                                  {"image_id", image_id},
                                  {"category_id", item.category + 1},
                                  {"bbox", {item.box.x, item.box.y, item.box.width, item.box.height}},
                                  {"area", item.area},
                                  {"iscrowd", 0},
                                  {"segmentation", uncompressedRle(item.mask)},
                                  {"fashion_mnist_index", item.source_index}});
  }
}

}  // namespace revcol::fashion
