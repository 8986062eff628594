#include "revcol/ground_truth.h"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "revcol/error.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace revcol {
namespace {

// COCO's instances_train2017.json is 450 MB; a folder of inputs a person opens in the studio has a
// far smaller file. The bound keeps a stray huge JSON from stalling the window.
constexpr std::uintmax_t kMaxAnnotationBytes = 64ull << 20;

std::string sizeText(cv::Size s) { return std::to_string(s.width) + "x" + std::to_string(s.height); }

cv::Size imageSize(const std::string& path) {
  const cv::Mat img = cv::imread(path, cv::IMREAD_UNCHANGED);
  if (img.empty()) throw Error("cannot read image " + path + ": not an image format OpenCV can decode");
  return img.size();
}

cv::Mat readLabelMap(const std::string& path, const std::string& image_path, cv::Size image_size) {
  const cv::Mat map = cv::imread(path, cv::IMREAD_UNCHANGED);
  if (map.empty()) throw Error("label map " + path + " is not an image OpenCV can decode");
  if (map.channels() != 1)
    throw Error("label map " + path + " has " + std::to_string(map.channels()) +
                " channels; a label map holds one class index per pixel (8- or 16-bit gray)");
  if (map.depth() != CV_8U && map.depth() != CV_16U)
    throw Error("label map " + path + " is not 8- or 16-bit: class indices are unsigned integers");
  if (map.size() != image_size)
    throw Error("label map " + path + " is " + sizeText(map.size()) + ", the image " + image_path + " is " +
                sizeText(image_size));
  return map;
}

// The number a name ends in ("scene_005000" -> 5000), or -1.
long long trailingNumber(const std::string& stem) {
  size_t b = stem.size();
  while (b > 0 && std::isdigit(static_cast<unsigned char>(stem[b - 1]))) --b;
  if (b == stem.size() || stem.size() - b > 15) return -1;
  return std::stoll(stem.substr(b));
}

// Field accessors that name what is wrong: every failure is one line about `file`.
struct Reader {
  std::string file;
  [[noreturn]] void fail(const std::string& what) const { throw Error(file + ": " + what); }
  const json& member(const json& object, const char* key, const std::string& where) const {
    if (!object.is_object()) fail(where + " is not a JSON object");
    const auto it = object.find(key);
    if (it == object.end()) fail(where + " has no \"" + key + "\"");
    return *it;
  }
  long long integer(const json& object, const char* key, const std::string& where) const {
    const json& v = member(object, key, where);
    if (!v.is_number_integer()) fail(where + "." + key + " is not an integer");
    return v.get<long long>();
  }
  std::string text(const json& object, const char* key, const std::string& where) const {
    const json& v = member(object, key, where);
    if (!v.is_string()) fail(where + "." + key + " is not a string");
    return v.get<std::string>();
  }
  const json& array(const json& object, const char* key) const {
    const json& v = member(object, key, "the file");
    if (!v.is_array()) fail(std::string("\"") + key + "\" is not an array");
    return v;
  }
};

json parseBounded(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t bytes = fs::file_size(path, ec);
  if (ec) throw Error("cannot read " + path + ": " + ec.message());
  if (bytes > kMaxAnnotationBytes)
    throw Error(path + " is " + std::to_string(bytes >> 20) + " MB; annotation files over " +
                std::to_string(kMaxAnnotationBytes >> 20) + " MB are not read");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path);
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    // nlohmann's messages start with "[json.exception.parse_error.101] "; the rest is the useful part.
    std::string what = e.what();
    if (const size_t end = what.find("] "); what.rfind("[json.", 0) == 0 && end != std::string::npos)
      what.erase(0, end + 2);
    throw Error(path + " is not valid JSON: " + what);
  }
}

// This image's COCO instances, or nullopt when the file does not list it.
std::optional<std::vector<GroundTruthObject>> cocoObjects(const std::string& coco_path, const fs::path& image,
                                                          cv::Size image_size) {
  const json root = parseBounded(coco_path);
  const Reader r{coco_path};
  if (!root.is_object()) r.fail("not a COCO file (the top level is not a JSON object)");
  const json& images = r.array(root, "images");

  const fs::path folder = fs::path(coco_path).parent_path();
  const std::string name = image.filename().string();
  const long long number = trailingNumber(image.stem().string());
  std::error_code ec;
  const json* by_path = nullptr;
  const json* by_name = nullptr;
  const json* by_number = nullptr;
  int name_matches = 0, number_matches = 0;
  for (size_t i = 0; i < images.size(); ++i) {
    const std::string where = "images[" + std::to_string(i) + "]";
    const json& entry = images[i];
    const fs::path file = r.text(entry, "file_name", where);
    const long long id = r.integer(entry, "id", where);
    if (fs::equivalent(folder / file, image, ec)) by_path = &entry;
    if (file.filename() == name) ++name_matches, by_name = &entry;
    if (number >= 0 && id == number && trailingNumber(file.stem().string()) == number)
      ++number_matches, by_number = &entry;
  }
  const json* entry = by_path ? by_path : name_matches == 1 ? by_name : nullptr;
  const bool exact = entry != nullptr;
  if (!entry && number_matches == 1) entry = by_number;
  if (!entry) return std::nullopt;

  const std::string where = "the entry of " + r.text(*entry, "file_name", "images[]");
  const cv::Size listed(int(r.integer(*entry, "width", where)), int(r.integer(*entry, "height", where)));
  if (listed != image_size) {
    // A number match is a guess: a size that disagrees means it guessed wrong, not that the file is.
    if (!exact) return std::nullopt;
    r.fail(where + " says " + sizeText(listed) + ", the image " + image.string() + " is " + sizeText(image_size));
  }
  const long long image_id = r.integer(*entry, "id", where);

  std::map<long long, std::string> category_names;
  const bool has_categories = root.contains("categories");
  if (has_categories) {
    const json& categories = r.array(root, "categories");
    for (size_t i = 0; i < categories.size(); ++i) {
      const std::string cw = "categories[" + std::to_string(i) + "]";
      category_names[r.integer(categories[i], "id", cw)] = r.text(categories[i], "name", cw);
    }
  }
  std::vector<GroundTruthObject> objects;
  if (!root.contains("annotations")) return objects;  // an image list without annotations: nothing in it
  const json& annotations = r.array(root, "annotations");
  for (size_t i = 0; i < annotations.size(); ++i) {
    const std::string aw = "annotations[" + std::to_string(i) + "]";
    const json& a = annotations[i];
    if (r.integer(a, "image_id", aw) != image_id) continue;
    const json& bbox = r.member(a, "bbox", aw);
    if (!bbox.is_array() || bbox.size() != 4) r.fail(aw + ".bbox is not [x, y, width, height]");
    std::array<double, 4> v{};
    for (size_t k = 0; k < 4; ++k) {
      if (!bbox[k].is_number() || !std::isfinite(bbox[k].get<double>()))
        r.fail(aw + ".bbox is not [x, y, width, height]");
      v[k] = bbox[k].get<double>();
    }
    if (v[2] < 0 || v[3] < 0) r.fail(aw + ".bbox has a negative width or height");
    GroundTruthObject o;
    o.box = {float(v[0]), float(v[1]), float(v[0] + v[2]), float(v[1] + v[3])};
    const long long category = r.integer(a, "category_id", aw);
    o.category_id = int(category);
    if (has_categories) {
      const auto it = category_names.find(category);
      if (it == category_names.end())
        r.fail(aw + " has category_id " + std::to_string(category) + ", which \"categories\" does not list");
      o.name = it->second;
    } else {
      o.name = "category " + std::to_string(category);
    }
    objects.push_back(std::move(o));
  }
  return objects;
}

}  // namespace

std::optional<GroundTruth> findGroundTruth(const std::string& image_path) {
  const fs::path image(image_path);
  const fs::path folder = image.parent_path();
  const fs::path labels = folder / (image.stem().string() + "_labels.png");
  const fs::path coco = folder / "annotations.json";
  std::error_code ec;
  const bool has_labels = fs::is_regular_file(labels, ec);
  const bool has_coco = fs::is_regular_file(coco, ec);
  if (!has_labels && !has_coco) return std::nullopt;  // the common case: no image decode

  const cv::Size size = imageSize(image_path);
  GroundTruth gt;
  if (has_labels) {
    gt.label_map = readLabelMap(labels.string(), image_path, size);
    gt.label_map_file = labels.string();
  }
  if (has_coco) {
    if (auto objects = cocoObjects(coco.string(), image, size)) {
      gt.objects = std::move(*objects);
      gt.objects_file = coco.string();
    }
  }
  if (gt.label_map_file.empty() && gt.objects_file.empty()) return std::nullopt;
  gt.source = gt.label_map_file.empty() ? gt.objects_file
              : gt.objects_file.empty() ? gt.label_map_file
                                        : gt.label_map_file + ", " + gt.objects_file;
  return gt;
}

}  // namespace revcol
