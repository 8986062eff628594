#include <revcol/class_labels.h>
#include <revcol/detector.h>
#include <revcol/error.h>

#include <chrono>

namespace revcol {

Detector Detector::load(const std::string& checkpoint, const LoadOptions& options) {
  return Detector(DetectionModel::load(checkpoint, options));
}

Detector::Detector(DetectionModel model) : model_(std::move(model)) {
  const DetectionModelInfo& info = model_.info();
  if (int64_t(info.class_names.size()) == info.num_classes)
    names_ = info.class_names;
  else if (info.num_classes == 80)
    names_ = readLabelFile(resourceDir() + "/labels/coco80.txt");
  else
    names_ = classNamesFor(info.num_classes);
  if (int64_t(names_.size()) != info.num_classes)
    throw Error("class names: " + std::to_string(names_.size()) + " names for " + std::to_string(info.num_classes) +
                " classes");
  // The checkpoint's own meta.PALETTE wins (mmdet draws with it); one that does not give every
  // class a colour is ignored rather than half used.
  palette_ = int64_t(info.palette.size()) == info.num_classes ? info.palette : defaultPalette(names_);
}

DetectResult Detector::detect(const cv::Mat& rgb, const DetectOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::array<int, 2>& own = model_.info().test_scale;
  const bool given = options.scale_long > 0 && options.scale_short > 0;
  MmdetInput in = mmdetPreprocess(rgb, given ? options.scale_long : own[0], given ? options.scale_short : own[1]);
  DetectResult result;
  result.preprocess_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  DetTestConfig cfg;
  cfg.ablation = options.ablation;
  cfg.score_thr = options.score_thr;
  DetectionOutput out = model_.run(in.chw, in.meta, cfg, options.raw);
  result.meta = in.meta;
  result.backbone = std::move(out.backbone);
  result.timings = out.timings;
  if (options.raw) {
    result.raw.emplace_back("input", std::move(in.chw));
    for (auto& r : out.raw) result.raw.push_back(std::move(r));
  }
  for (RawDetection& d : out.detections) {
    DetectedObject o;
    o.label = d.label;
    o.name = names_.at(size_t(d.label));
    o.score = d.score;
    o.box = d.box;
    if (!d.mask.empty()) {
      o.mask = cv::Mat(in.meta.ori_h, in.meta.ori_w, CV_8U);
      for (size_t i = 0; i < d.mask.size(); ++i) o.mask.data[i] = d.mask[i] ? 255 : 0;
    }
    result.objects.push_back(std::move(o));
  }
  return result;
}

}  // namespace revcol
