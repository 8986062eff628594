// Reading a COCO instances file into plain structures (nlohmann-json). Segmentations become COCO
// RLE at read time as pycocotools' annToRLE makes them: polygons through rleFrPoly (merged),
// uncompressed RLE as given, compressed RLE through rleFrString.
#include <revcol/coco_eval.h>
#include <revcol/error.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

namespace revcol {
namespace {

using nlohmann::json;

// Large enough for COCO's instances_val2017.json (~450 MB for train); a bound so that a stray file
// cannot take all memory.
constexpr std::uintmax_t kMaxBytes = 1ull << 30;

CocoRle segmentationRle(const json& s, int height, int width, const std::string& where) {
  if (s.is_array()) {
    if (height <= 0 || width <= 0)
      throw Error(where + ": a polygon segmentation needs the image's width and height in \"images\"");
    return cocoRleFromPolygons(s.get<std::vector<std::vector<double>>>(), height, width);
  }
  if (!s.is_object() || !s.contains("counts") || !s.contains("size"))
    throw Error(where + ": segmentation is neither polygons nor RLE {\"size\", \"counts\"}");
  const std::vector<int> size = s.at("size").get<std::vector<int>>();
  if (size.size() != 2 || size[0] <= 0 || size[1] <= 0) throw Error(where + ": RLE size must be [height, width]");
  const json& counts = s.at("counts");
  CocoRle rle;
  if (counts.is_string()) {
    rle = cocoRleFromString(counts.get<std::string>(), size[0], size[1]);
  } else {
    rle.height = size[0], rle.width = size[1];
    rle.counts = counts.get<std::vector<uint32_t>>();
  }
  uint64_t total = 0;
  for (uint32_t c : rle.counts) total += c;
  if (total != uint64_t(rle.height) * uint64_t(rle.width))
    throw Error(where + ": RLE counts sum to " + std::to_string(total) + ", not height x width " +
                std::to_string(uint64_t(rle.height) * uint64_t(rle.width)));
  return rle;
}

}  // namespace

CocoDataset readCocoDataset(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t bytes = std::filesystem::file_size(path, ec);
  if (ec) throw Error("cannot read annotations " + path + ": " + ec.message());
  if (bytes > kMaxBytes) throw Error("annotations " + path + " are larger than 1 GiB; refusing to read them");
  std::ifstream in(path, std::ios::binary);
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::exception& e) {
    throw Error("annotations " + path + " are not JSON: " + e.what());
  }
  if (!doc.is_object() || !doc.contains("images") || !doc.contains("annotations") || !doc.contains("categories"))
    throw Error("annotations " + path + " are not a COCO instances file (needs images, annotations, categories)");

  CocoDataset out;
  std::map<int64_t, const CocoImage*> by_id;
  std::string where;
  try {
    for (const json& i : doc.at("images")) {
      where = "image entry " + std::to_string(out.images.size());
      CocoImage image;
      image.id = i.at("id").get<int64_t>();
      image.file_name = i.value("file_name", std::string());
      image.width = i.value("width", 0);
      image.height = i.value("height", 0);
      out.images.push_back(image);
    }
    for (const CocoImage& i : out.images) by_id[i.id] = &i;
    for (const json& c : doc.at("categories")) {
      where = "category entry " + std::to_string(out.categories.size());
      out.categories.push_back({c.at("id").get<int64_t>(), c.value("name", std::string())});
    }
    for (const json& a : doc.at("annotations")) {
      where = "annotation entry " + std::to_string(out.annotations.size());
      CocoInstance inst;
      inst.image_id = a.at("image_id").get<int64_t>();
      inst.category_id = a.at("category_id").get<int64_t>();
      const std::vector<double> box = a.at("bbox").get<std::vector<double>>();
      if (box.size() != 4) throw Error(where + ": bbox must be [x, y, w, h]");
      std::copy(box.begin(), box.end(), inst.bbox.begin());
      inst.area = a.value("area", box[2] * box[3]);
      inst.iscrowd = a.value("iscrowd", 0) != 0;
      if (a.contains("segmentation")) {
        const auto img = by_id.find(inst.image_id);
        const int h = img == by_id.end() ? 0 : img->second->height, w = img == by_id.end() ? 0 : img->second->width;
        inst.mask = segmentationRle(a.at("segmentation"), h, w, where);
      }
      out.annotations.push_back(std::move(inst));
    }
  } catch (const json::exception& e) {
    throw Error("annotations " + path + ", " + where + ": " + e.what());
  } catch (const Error& e) {
    throw Error("annotations " + path + ", " + std::string(e.what()));
  }
  return out;
}

}  // namespace revcol
