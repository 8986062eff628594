// Segmenter: the mmseg test pipeline around heads/seg_model (the torch part).
#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <regex>

#include "heads/seg_model.h"
#include "revcol/class_labels.h"
#include "revcol/error.h"
#include "revcol/palette.h"
#include "revcol/segmenter.h"

namespace revcol {
namespace {

// The text inside the parentheses after `key` ("test_cfg=dict(" -> "mode='slide', ..."), or "".
std::string dictBody(const std::string& text, const std::string& key) {
  const std::regex re(key + R"(\s*=\s*dict\()");
  std::smatch m;
  if (!std::regex_search(text, m, re)) return {};
  const size_t begin = size_t(m.position(0) + m.length(0));
  int depth = 1;
  for (size_t i = begin; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && --depth == 0) return text.substr(begin, i - begin);
  }
  return {};
}

std::optional<cv::Size> pairValue(const std::string& body, const std::string& key) {
  const std::regex re(key + R"(\s*=\s*[\(\[]\s*([0-9]+)\s*,\s*([0-9]+)\s*[\)\]])");
  std::smatch m;
  if (!std::regex_search(body, m, re)) return std::nullopt;
  // mmseg writes (h, w); cv::Size is (w, h).
  return cv::Size(std::stoi(m[2].str()), std::stoi(m[1].str()));
}

// Defaults from an mmseg config dump (meta.config): model test_cfg and the test pipeline's img_scale.
SegmentSettings settingsFromConfig(const std::string& config) {
  SegmentSettings s;
  if (config.empty()) return s;
  const std::string test_cfg = dictBody(config, "test_cfg");
  std::smatch m;
  if (std::regex_search(test_cfg, m, std::regex(R"(mode\s*=\s*'(\w+)')")))
    s.mode = m[1].str() == "slide" ? SegmentMode::Slide : SegmentMode::Whole;
  if (auto crop = pairValue(test_cfg, "crop_size")) s.crop = *crop;
  if (auto stride = pairValue(test_cfg, "stride")) s.stride = *stride;
  const size_t pipeline = config.find("test_pipeline");
  if (pipeline != std::string::npos) {
    if (auto scale = pairValue(config.substr(pipeline), "img_scale")) {
      s.scale_long = std::max(scale->width, scale->height);
      s.scale_short = std::min(scale->width, scale->height);
    }
  }
  return s;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

}  // namespace

const char* toString(SegmentMode mode) { return mode == SegmentMode::Slide ? "slide" : "whole"; }

SegmentMode segmentModeFromName(const std::string& name) {
  if (name == "whole") return SegmentMode::Whole;
  if (name == "slide") return SegmentMode::Slide;
  throw Error("the segmentation mode is 'whole' or 'slide', got '" + name + "'");
}

struct Segmenter::Impl {
  SegmentationNetwork net;
  SegmenterInfo info;
  SegmentSettings defaults;
  std::vector<std::string> names;
  std::vector<std::array<uint8_t, 3>> palette;
};

Segmenter::Segmenter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Segmenter::Segmenter(Segmenter&&) noexcept = default;
Segmenter& Segmenter::operator=(Segmenter&&) noexcept = default;
Segmenter::~Segmenter() = default;

Segmenter Segmenter::load(const std::string& path, const LoadOptions& options) {
  SegmentationNetwork net = SegmentationNetwork::load(path, options);
  const SegNetworkInfo& ni = net.info();
  auto impl = std::unique_ptr<Impl>(new Impl{std::move(net), {}, {}, {}, {}});
  SegmenterInfo& info = impl->info;
  info.backbone = ni.backbone;
  info.num_classes = ni.num_classes;
  info.head_channels = ni.head_channels;
  info.pool_scales = ni.pool_scales;
  info.has_auxiliary_head = ni.has_auxiliary_head;
  info.file = ni.file;
  info.device = ni.device;
  info.cpu_path = ni.cpu_path;
  impl->defaults = settingsFromConfig(ni.config_text);

  const int64_t n = ni.num_classes;
  const std::string labels = resourceDir() + "/labels/";
  if (int64_t(ni.class_names.size()) == n) {
    for (const std::string& c : ni.class_names) impl->names.push_back(trimmed(c));
  } else if (n == 150) {
    impl->names = readLabelFile(labels + "ade20k150.txt");
  } else {
    for (int64_t i = 0; i < n; ++i) impl->names.push_back("class " + std::to_string(i));
  }
  if (int64_t(impl->names.size()) != n) throw Error(labels + "ade20k150.txt does not name 150 classes");
  // The checkpoint's own meta.PALETTE wins (mmseg draws with it); one that does not give every
  // class a colour is ignored rather than half used.
  impl->palette = int64_t(ni.palette.size()) == n ? ni.palette : defaultPalette(impl->names);
  return Segmenter(std::move(impl));
}

const SegmenterInfo& Segmenter::info() const { return impl_->info; }

RevColModel Segmenter::backboneModel() const { return impl_->net.backboneModel(); }
SegmentSettings Segmenter::defaults() const { return impl_->defaults; }
const std::vector<std::string>& Segmenter::classNames() const { return impl_->names; }
const std::vector<std::array<uint8_t, 3>>& Segmenter::palette() const { return impl_->palette; }

SegmentSettings Segmenter::resolve(const SegmentOptions& o) const {
  SegmentSettings s = impl_->defaults;
  if (o.scale_long) s.scale_long = *o.scale_long;
  if (o.scale_short) s.scale_short = *o.scale_short;
  if (o.mode) s.mode = *o.mode;
  if (o.crop) s.crop = *o.crop;
  if (o.stride) s.stride = *o.stride;
  if (s.scale_long < 32 || s.scale_short < 32) throw Error("the test scale must be at least 32 on both sides");
  if (s.crop.width < 32 || s.crop.height < 32) throw Error("the slide crop must be at least 32 x 32");
  if (s.stride.width < 1 || s.stride.height < 1) throw Error("the slide stride must be positive");
  return s;
}

SegmentResult Segmenter::segment(const cv::Mat& rgb, const SegmentOptions& options) {
  if (rgb.empty() || rgb.type() != CV_8UC3) throw Error("segment() takes an 8-bit RGB image");
  SegmentResult result;
  result.settings = resolve(options);
  const SegmentSettings& s = result.settings;
  const cv::Mat resized = mmsegResize(rgb, s.scale_long, s.scale_short);
  result.resized = resized.size();
  SegRunOptions ro;
  ro.slide = s.mode == SegmentMode::Slide;
  ro.crop_h = s.crop.height;
  ro.crop_w = s.crop.width;
  ro.stride_h = s.stride.height;
  ro.stride_w = s.stride.width;
  ro.keep_features = options.features;
  ro.keep_final_logits = options.final_logits;
  ro.ablation = options.ablation;
  SegRunOutput out = impl_->net.run(mmsegNormalize(resized), rgb.rows, rgb.cols, ro);

  const int64_t n = impl_->info.num_classes;
  result.labels = cv::Mat(rgb.rows, rgb.cols, n <= 256 ? CV_8U : CV_16U);
  for (int y = 0; y < rgb.rows; ++y) {
    const uint16_t* src = out.labels.data() + size_t(y) * size_t(rgb.cols);
    if (n <= 256) {
      uint8_t* dst = result.labels.ptr<uint8_t>(y);
      for (int x = 0; x < rgb.cols; ++x) dst[x] = uint8_t(src[x]);
    } else {
      std::copy(src, src + rgb.cols, result.labels.ptr<uint16_t>(y));
    }
  }
  const double total = double(rgb.rows) * double(rgb.cols);
  for (int64_t c = 0; c < int64_t(out.pixel_counts.size()); ++c)
    if (out.pixel_counts[size_t(c)] > 0)
      result.present.push_back(
          {int(c), impl_->names[size_t(c)], out.pixel_counts[size_t(c)], double(out.pixel_counts[size_t(c)]) / total});
  std::stable_sort(result.present.begin(), result.present.end(),
                   [](const ClassShare& a, const ClassShare& b) { return a.pixels > b.pixels; });
  for (SegPass& p : out.passes)
    result.passes.push_back({cv::Rect(p.x, p.y, p.width, p.height), std::move(p.levels), std::move(p.decode_logits)});
  result.final_logits = std::move(out.final_logits);
  return result;
}

}  // namespace revcol
