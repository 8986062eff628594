// revcol-cli evaluate --checkpoint CKPT [task options] [--json] INPUT...
// What the checkpoint is decides what is measured:
//   classification: top-1 / top-5 of every head over labelled folders (one sub-folder per class);
//   segmentation:   mIoU, pixel accuracy and per-class IoU against label maps (--label-maps DIR with
//                   DIR/<stem>.png, else <stem>_labels.png beside each image);
//   detection:      COCO bbox (and segm with a mask head) AP against --annotations FILE; INPUT
//                   restricts the images, else every image of the file is read from beside it.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "arguments.h"
#include "commands.h"
#include "model_options.h"
#include "task_options.h"
#include "usage.h"
#include "revcol/class_labels.h"
#include "revcol/classification_metrics.h"
#include "revcol/coco_eval.h"
#include "revcol/error.h"
#include "revcol/frame_source.h"
#include "revcol/ground_truth.h"
#include "revcol/image_io.h"
#include "revcol/segmentation_metrics.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace revcol::cli {
namespace {

// Images named on the command line, folders expanded (sorted, not recursive).
std::vector<std::string> imageFiles(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const std::string& in : inputs) {
    if (fs::is_directory(in)) {
      for (std::string& f : listImageFiles(in, false)) files.push_back(std::move(f));
    } else {
      if (!fs::exists(in)) throw Error(in + " does not exist");
      files.push_back(in);
    }
  }
  if (files.empty()) throw Error("no images to evaluate in " + inputs.front());
  return files;
}

// JSON numbers for figures that may be undefined: NaN becomes null.
json figure(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

std::string percent(double v) {
  if (std::isnan(v) || v < 0) return "   -  ";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%6.2f", 100.0 * v);
  return buf;
}

int evaluateClassification(const Arguments& args) {
  const std::string checkpoint = args.required("--checkpoint");
  RevColModel model = RevColModel::load(checkpoint, loadOptionsFrom(args));
  const Architecture& arch = model.info().architecture;
  if (arch.num_classes <= 0) throw Error(checkpoint + " has no classification head to evaluate");
  const std::vector<std::string> names = classNamesFor(arch.num_classes, args.value("--labels"));
  const InputPreparation prep = inputPreparationFrom(args, checkpoint);
  std::vector<LabelledImage> images;
  for (const std::string& root : args.positional())
    for (LabelledImage& i : labelledImages(root, names)) images.push_back(std::move(i));

  std::vector<TopKAccuracy> heads;
  std::vector<int> columns;
  for (const LabelledImage& image : images) {
    const std::vector<HeadOutput> out = model.classify(loadInput(image.path, prep.preprocess), 5);
    if (heads.empty()) {
      heads.resize(out.size());
      for (const HeadOutput& h : out) columns.push_back(h.column);
    }
    for (size_t k = 0; k < out.size(); ++k) {
      std::vector<int64_t> ranked;
      for (const TopClass& t : out[k].top) ranked.push_back(t.index);
      heads[k].add(ranked, image.label);
    }
  }
  if (args.flag("--json")) {
    json h = json::array();
    for (size_t k = 0; k < heads.size(); ++k)
      h.push_back({{"head", k}, {"column", columns[k]}, {"top1", heads[k].top1()}, {"top5", heads[k].top5()}});
    const json out = {{"task", "classification"},
                      {"checkpoint", checkpoint},
                      {"preprocess", prep.name},
                      {"images", images.size()},
                      {"heads", h}};
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  if (!prep.note.empty()) std::printf("%s\n", prep.note.c_str());
  std::printf("classification: %zu images, %lld classes\n  head  column   top-1 %%  top-5 %%\n", images.size(),
              (long long)arch.num_classes);
  for (size_t k = 0; k < heads.size(); ++k)
    std::printf("  %4zu  %6d   %s   %s%s\n", k, columns[k], percent(heads[k].top1()).c_str(),
                percent(heads[k].top5()).c_str(), k + 1 == heads.size() ? "   (the model's answer)" : "");
  return 0;
}

cv::Mat readLabelMapFor(const std::string& image, const Arguments& args) {
  if (args.has("--label-maps")) {
    const fs::path p = fs::path(args.value("--label-maps")) / (fs::path(image).stem().string() + ".png");
    const cv::Mat m = cv::imread(p.string(), cv::IMREAD_UNCHANGED);
    if (m.empty()) throw Error("no label map " + p.string() + " for " + image);
    if (m.channels() != 1) throw Error("label map " + p.string() + " has more than one channel");
    return m;
  }
  const std::optional<GroundTruth> gt = findGroundTruth(image);
  if (!gt || gt->label_map.empty())
    throw Error("no label map for " + image + " (give --label-maps DIR, or put " + fs::path(image).stem().string() +
                "_labels.png beside it)");
  return gt->label_map;
}

int evaluateSegmentation(const Arguments& args) {
  const std::string checkpoint = args.required("--checkpoint");
  Segmenter segmenter = Segmenter::load(checkpoint, loadOptionsFrom(args));
  const SegmentOptions options = segmentOptionsFrom(args);
  const std::vector<std::string>& names = segmenter.classNames();
  SegmentationScore score(int(segmenter.info().num_classes));
  for (const std::string& image : imageFiles(args.positional())) {
    const cv::Mat label = readLabelMapFor(image, args);
    const cv::Mat rgb = loadImageRgb(image);
    if (label.size() != rgb.size())
      throw Error("the label map of " + image + " is " + std::to_string(label.cols) + "x" + std::to_string(label.rows) +
                  ", the image " + std::to_string(rgb.cols) + "x" + std::to_string(rgb.rows));
    score.add(segmenter.segment(rgb, options).labels, label);
  }
  const std::vector<double> iou = score.classIou(), acc = score.classAccuracy();
  if (args.flag("--json")) {
    json classes = json::array();
    for (size_t c = 0; c < iou.size(); ++c)
      classes.push_back({{"index", c}, {"name", names[c]}, {"iou", figure(iou[c])}, {"accuracy", figure(acc[c])}});
    const json out = {{"task", "segmentation"},
                      {"checkpoint", checkpoint},
                      {"images", score.images()},
                      {"miou", figure(score.meanIou())},
                      {"pixel_accuracy", figure(score.pixelAccuracy())},
                      {"classes", classes}};
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::printf(
      "segmentation: %lld images, %d classes\n  mIoU %s %%   pixel accuracy %s %%\n  class                  IoU %%   "
      "acc %%\n",
      (long long)score.images(), score.numClasses(), percent(score.meanIou()).c_str(),
      percent(score.pixelAccuracy()).c_str());
  for (size_t c = 0; c < iou.size(); ++c)
    std::printf("  %-20s  %s  %s\n", names[c].c_str(), percent(iou[c]).c_str(), percent(acc[c]).c_str());
  return 0;
}

// "T-shirt/top" and "t-shirt top" alike.
std::string foldName(const std::string& s) {
  std::string out;
  for (unsigned char c : s)
    if (std::isalnum(c)) out.push_back(char(std::tolower(c)));
  return out;
}

// The detector's class k as a category id of the annotations: by name where every class finds
// its category, else by position among the sorted ids when the counts agree (mmdet's cat_ids).
std::vector<int64_t> categoryIds(const std::vector<std::string>& classes, const CocoDataset& data,
                                 const std::string& file) {
  std::vector<int64_t> ids;
  for (const std::string& c : classes)
    for (const CocoCategory& cat : data.categories)
      if (foldName(cat.name) == foldName(c)) {
        ids.push_back(cat.id);
        break;
      }
  if (ids.size() == classes.size()) return ids;
  if (data.categories.size() != classes.size())
    throw Error("the detector has " + std::to_string(classes.size()) + " classes and " + file + " " +
                std::to_string(data.categories.size()) + " categories, and their names do not match");
  ids.clear();
  for (const CocoCategory& cat : data.categories) ids.push_back(cat.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

json metricsJson(const CocoMetrics& m) {
  json j;
  for (size_t s = 0; s < m.stats.size(); ++s) j[cocoStatNames()[s]] = m.stats[s];
  json classes = json::array();
  for (const CocoClassAp& c : m.per_class)
    classes.push_back({{"category_id", c.category_id},
                       {"name", c.name},
                       {"instances", c.instances},
                       {"AP", figure(c.ap)},
                       {"AP50", figure(c.ap50)}});
  j["per_class"] = classes;
  return j;
}

int evaluateDetection(const Arguments& args) {
  const std::string checkpoint = args.required("--checkpoint");
  if (!args.has("--annotations")) throw Error("evaluating a detector needs --annotations FILE (COCO instances)");
  const std::string annotations = args.value("--annotations");
  CocoDataset data = readCocoDataset(annotations);
  const fs::path base = fs::path(annotations).parent_path();

  // Which images: those named (each must be in the file), else all of the file's.
  std::vector<std::pair<std::string, int64_t>> work;  // path, image id
  if (args.positional().empty()) {
    for (const CocoImage& i : data.images) work.emplace_back((base / i.file_name).string(), i.id);
  } else {
    std::map<std::string, int64_t> by_path, by_name;
    std::map<std::string, int> name_count;
    for (const CocoImage& i : data.images) {
      by_path[fs::weakly_canonical(base / i.file_name).string()] = i.id;
      const std::string name = fs::path(i.file_name).filename().string();
      by_name[name] = i.id;
      ++name_count[name];
    }
    for (const std::string& f : imageFiles(args.positional())) {
      const auto p = by_path.find(fs::weakly_canonical(f).string());
      const std::string name = fs::path(f).filename().string();
      if (p != by_path.end())
        work.emplace_back(f, p->second);
      else if (name_count[name] == 1)
        work.emplace_back(f, by_name[name]);
      else
        throw Error(f + " is not an image of " + annotations);
    }
    std::set<int64_t> chosen;
    for (const auto& w : work) chosen.insert(w.second);
    std::vector<CocoImage> kept;
    for (const CocoImage& i : data.images)
      if (chosen.count(i.id)) kept.push_back(i);
    data.images = std::move(kept);
  }

  Detector detector = Detector::load(checkpoint, loadOptionsFrom(args));
  const DetectOptions options = detectOptionsFrom(args);
  const std::vector<int64_t> category = categoryIds(detector.classNames(), data, annotations);
  const bool masks = detector.info().with_mask;
  std::vector<CocoInstance> detections;
  for (const auto& [path, id] : work) {
    const cv::Mat rgb = loadImageRgb(path);
    for (const DetectedObject& o : detector.detect(rgb, options).objects) {
      CocoInstance d;
      d.image_id = id;
      d.category_id = category[size_t(o.label)];
      d.bbox = {o.box[0], o.box[1], double(o.box[2]) - o.box[0], double(o.box[3]) - o.box[1]};
      d.score = o.score;
      if (masks && !o.mask.empty()) d.mask = encodeCocoRle(o.mask);
      detections.push_back(std::move(d));
    }
  }
  const CocoMetrics bbox = evaluateCoco(data, detections, CocoIouType::Box);
  std::optional<CocoMetrics> segm;
  if (masks) segm = evaluateCoco(data, detections, CocoIouType::Mask);

  if (args.flag("--json")) {
    json out = {{"task", "detection"},      {"checkpoint", checkpoint},     {"annotations", annotations},
                {"images", bbox.images},    {"objects", bbox.ground_truth}, {"detections", bbox.detections},
                {"bbox", metricsJson(bbox)}};
    if (segm) out["segm"] = metricsJson(*segm);
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::printf("detection: %d images, %d objects, %d detections (score > %.2f)\n", bbox.images, bbox.ground_truth,
              bbox.detections, double(options.score_thr));
  std::printf("        ");
  for (const char* n : cocoStatNames()) std::printf("%7s", n);
  for (const CocoMetrics* m : {&bbox, segm ? &*segm : static_cast<const CocoMetrics*>(nullptr)}) {
    if (!m) continue;
    std::printf("\n  %-5s ", toString(m->type));
    for (double v : m->stats) std::printf(" %s", percent(v).c_str());
  }
  std::printf("\n  per class AP %%        objects   bbox%s\n", segm ? "   segm" : "");
  for (size_t k = 0; k < bbox.per_class.size(); ++k) {
    const CocoClassAp& c = bbox.per_class[k];
    std::printf("  %-20s  %7d  %s%s%s\n", c.name.c_str(), c.instances, percent(c.ap).c_str(), segm ? " " : "",
                segm ? percent(segm->per_class[k].ap).c_str() : "");
  }
  return 0;
}

}  // namespace

int runEvaluate(const std::vector<std::string>& argv) {
  Arguments args(argv,
                 {"--checkpoint", "--annotations", "--label-maps", "--labels", "--scale", "--score-thr", "--mode",
                  "--crop", "--stride", "--device", "--weights", "--preprocess", "--size", "--threads"},
                 {"--json", "--bf16"});
  const std::string checkpoint = args.required("--checkpoint");
  switch (checkpointTask(checkpoint)) {
    case Task::Classification:
      if (args.positional().empty()) throw Error(usageLine("evaluate"));
      return evaluateClassification(args);
    case Task::Segmentation:
      if (args.positional().empty()) throw Error(usageLine("evaluate"));
      return evaluateSegmentation(args);
    case Task::Detection:
      return evaluateDetection(args);
    case Task::Backbone:
      break;
  }
  throw Error(checkpoint + " is a bare backbone: it has no head whose answers could be scored");
}

}  // namespace revcol::cli
