// DetectionModel: mmdet checkpoint -> CascadeMaskRCNN (heads inferred from the weights), and the
// conversion of its results to plain types.
#include <revcol/detection.h>
#include <revcol/error.h>

#include <chrono>
#include <map>
#include <regex>
#include <set>

#include "api/model_access.h"
#include "api/tensor_convert.h"
#include "checkpoint/checkpoint.h"
#include "heads/det_cascade.h"
#include "nn/cpu_runtime.h"
#include "nn/weights.h"

namespace revcol {
namespace {

using det::BBoxHeadConfig;
using det::MaskHeadConfig;

torch::Device parseDetDevice(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
    if (!torch::cuda::is_available())
      throw Error("device '" + name + "' requested but this libtorch has no usable CUDA device");
    return torch::Device(name);
  }
  throw Error("unknown device '" + name + "' (expected 'cpu' or 'cuda')");
}

class Weights {
 public:
  explicit Weights(const std::vector<NamedTensor>& sd) {
    for (const NamedTensor& t : sd) map_[t.name] = &t.tensor;
  }
  const torch::Tensor* find(const std::string& name) const {
    auto it = map_.find(name);
    return it == map_.end() ? nullptr : it->second;
  }
  const torch::Tensor& get(const std::string& name) const {
    const torch::Tensor* t = find(name);
    if (!t) throw Error("missing weight " + name);
    return *t;
  }
  int count(const std::string& before, const std::string& after) const {
    int n = 0;
    while (find(before + std::to_string(n) + after)) ++n;
    return n;
  }

 private:
  std::map<std::string, const torch::Tensor*> map_;
};

// mmdet's defaults for the three Cascade R-CNN stages (and a plain two-stage head).
std::vector<std::array<float, 4>> defaultStds(size_t stages) {
  const std::vector<std::array<float, 4>> cascade{
      {0.1f, 0.1f, 0.2f, 0.2f}, {0.05f, 0.05f, 0.1f, 0.1f}, {0.033f, 0.033f, 0.067f, 0.067f}};
  std::vector<std::array<float, 4>> out;
  for (size_t i = 0; i < stages; ++i) out.push_back(cascade[std::min(i, cascade.size() - 1)]);
  return out;
}

// The test pipeline's img_scale in meta.config ("test_pipeline = [... img_scale=(1333, 800) ...]"),
// long side first; false when the config has none.
bool testScaleFromConfig(const std::string& config, std::array<int, 2>& out) {
  const size_t pipeline = config.find("test_pipeline");
  if (pipeline == std::string::npos) return false;
  static const std::regex re(R"(img_scale\s*=\s*[\(\[]\s*(\d+)\s*,\s*(\d+)\s*[\)\]])");
  std::smatch m;
  const std::string tail = config.substr(pipeline);
  if (!std::regex_search(tail, m, re)) return false;
  const int a = std::stoi(m[1].str()), b = std::stoi(m[2].str());
  if (a < 32 || b < 32 || a > 8192 || b > 8192) return false;
  out = {std::max(a, b), std::min(a, b)};
  return true;
}

// The bbox coders' target_stds in meta.config, in config order: the RPN's first, then one per stage.
bool stdsFromConfig(const std::string& config, size_t stages, std::vector<std::array<float, 4>>& out) {
  static const std::regex re(R"(target_stds\s*=\s*[\[\(]([^\]\)]*)[\]\)])");
  std::vector<std::array<float, 4>> found;
  for (auto it = std::sregex_iterator(config.begin(), config.end(), re); it != std::sregex_iterator(); ++it) {
    std::array<float, 4> v{};
    std::string body = (*it)[1];
    size_t pos = 0;
    for (int k = 0; k < 4; ++k) {
      size_t used = 0;
      try {
        v[size_t(k)] = std::stof(body.substr(pos), &used);
      } catch (const std::exception&) {
        return false;
      }
      pos += used;
      pos = body.find_first_not_of(", \n\t", pos);
      if (pos == std::string::npos && k < 3) return false;
    }
    found.push_back(v);
  }
  if (found.size() != stages + 1) return false;
  out.assign(found.begin() + 1, found.end());
  return true;
}

BBoxHeadConfig bboxHeadConfig(const Weights& w, const std::string& p, int64_t in_channels) {
  for (const char* branch : {"cls_convs.0.", "reg_convs.0.", "cls_fcs.0.", "reg_fcs.0."})
    for (const char* leaf : {"weight", "conv.weight"})
      if (w.find(p + branch + leaf))
        throw Error(p + " has separate cls/reg branches, which are not supported (only shared convs/fcs)");
  BBoxHeadConfig c;
  c.in_channels = in_channels;
  c.num_shared_convs = w.count(p + "shared_convs.", ".conv.weight");
  c.conv_norm = c.num_shared_convs > 0 && w.find(p + "shared_convs.0.bn.weight");
  if (c.num_shared_convs > 0) c.conv_channels = w.get(p + "shared_convs.0.conv.weight").size(0);
  c.num_shared_fcs = w.count(p + "shared_fcs.", ".weight");
  if (c.num_shared_fcs > 0) c.fc_channels = w.get(p + "shared_fcs.0.weight").size(0);
  const torch::Tensor& cls = w.get(p + "fc_cls.weight");
  c.num_classes = cls.size(0) - 1;
  const int64_t reg = w.get(p + "fc_reg.weight").size(0);
  c.class_agnostic = reg == 4;
  if (!c.class_agnostic && reg != 4 * c.num_classes)
    throw Error(p + "fc_reg has " + std::to_string(reg) + " outputs; expected 4 or 4 x " +
                std::to_string(c.num_classes) + " classes");
  const int64_t roi_feat = (c.num_shared_fcs > 0 ? w.get(p + "shared_fcs.0.weight").size(1) : cls.size(1));
  const int64_t ch = c.num_shared_convs > 0 ? c.conv_channels : in_channels;
  if (c.num_shared_fcs > 0 && roi_feat != ch * 49)
    throw Error(p + "shared_fcs.0 takes " + std::to_string(roi_feat) + " inputs; expected " + std::to_string(ch) +
                " x 7 x 7 RoI features");
  return c;
}

}  // namespace

struct DetectionModel::Impl {
  det::CascadeMaskRCNN net{nullptr};
  DetectionModelInfo info;
  torch::Device device = torch::kCPU;
  int threads = 0;          // LoadOptions::threads, applied again before each call (per calling thread)
  ModelInfo backbone_info;  // what RevColModel::load reports for the same checkpoint

  // After the weights are in place: the backbone's fast path on the CPU and its description
  // (`ck`: the file it came from; null for random weights).
  void prepareBackbone(const LoadOptions& options, const Checkpoint* ck) {
    threads = options.threads;
    if (device.is_cpu())
      net->useFastBackbone(checkedFastPath(*net->backbone(), options.fast, options.bf16, &info.cpu_path));
    backbone_info = describeModel(*net->backbone(), ck, info.cpu_path);
  }
};

DetectionModel::DetectionModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DetectionModel::DetectionModel(DetectionModel&&) noexcept = default;
DetectionModel& DetectionModel::operator=(DetectionModel&&) noexcept = default;
DetectionModel::~DetectionModel() = default;

const DetectionModelInfo& DetectionModel::info() const { return impl_->info; }

RevColModel DetectionModel::backboneModel() const {
  return RevColModelAccess::overBackbone(impl_->net->backbone(), impl_->net->fastBackbone(), impl_->backbone_info,
                                         impl_->threads);
}

namespace {

void fillInfo(DetectionModelInfo& info, det::CascadeMaskRCNNImpl& net, const torch::Device& device) {
  const auto& heads = net.bboxHeads();
  const BBoxHeadConfig& c = heads.front()->config();
  info.backbone = net.backbone()->architecture();
  info.num_classes = c.num_classes;
  info.num_stages = int(heads.size());
  info.bbox_head = c.num_shared_convs > 0
                       ? "ConvFCBBoxHead(" + std::to_string(c.num_shared_convs) + "conv" +
                             std::to_string(c.num_shared_fcs) + "fc" + (c.conv_norm ? ", BN)" : ")")
                       : (c.num_shared_fcs == 2 ? std::string("Shared2FCBBoxHead")
                                                : "ConvFCBBoxHead(" + std::to_string(c.num_shared_fcs) + "fc)");
  info.class_agnostic = c.class_agnostic;
  info.with_mask = !net.maskHeads().empty();
  info.target_stds = net.config().stage_stds;
  info.parameter_count = 0;
  for (const auto& p : net.parameters()) info.parameter_count += p.numel();
  info.device = device.str();
}

}  // namespace

DetectionModel DetectionModel::load(const std::string& path, const LoadOptions& options) {
  Checkpoint ck =
      readCheckpoint(path, options.weights == WeightsPreference::Ema ? WeightsChoice::Ema : WeightsChoice::Auto);
  auto impl = std::make_unique<Impl>();
  impl->device = parseDetDevice(options.device);
  if (impl->device.is_cpu()) {  // process-wide: see nn/cpu_runtime.h
    keepActivationsMapped();
    configureCpuThreads(options.threads);
  }
  try {
    Architecture arch = inferArchitecture(ck.state_dict);
    if (arch.task != Task::Detection)
      throw Error(std::string("not a detection checkpoint (the weights look like a ") + toString(arch.task) +
                  " model; expected backbone.*, neck.*, rpn_head.*, roi_head.*)");
    const Weights w(ck.state_dict);
    const int levels = w.count("neck.lateral_convs.", ".conv.weight");
    if (levels != 4) throw Error("expected an FPN with 4 lateral convs, found " + std::to_string(levels));
    if (w.count("neck.fpn_convs.", ".conv.weight") != levels)
      throw Error("FPN extra convs (add_extra_convs) are not supported");
    std::vector<int64_t> fpn_in;
    for (int l = 0; l < levels; ++l)
      fpn_in.push_back(w.get("neck.lateral_convs." + std::to_string(l) + ".conv.weight").size(1));
    const int64_t fpn_channels = w.get("neck.lateral_convs.0.conv.weight").size(0);
    const int64_t anchors = w.get("rpn_head.rpn_cls.weight").size(0);
    if (anchors != 3)
      throw Error("rpn_head.rpn_cls has " + std::to_string(anchors) +
                  " outputs; expected 3 (sigmoid, ratios 0.5/1/2, one scale)");

    // Cascade heads are numbered (roi_head.bbox_head.0. ...); a plain two-stage head is not.
    std::vector<std::string> bbox_prefixes, mask_prefixes;
    const int stages = w.count("roi_head.bbox_head.", ".fc_cls.weight");
    for (int i = 0; i < stages; ++i) bbox_prefixes.push_back("roi_head.bbox_head." + std::to_string(i) + ".");
    if (stages == 0 && w.find("roi_head.bbox_head.fc_cls.weight")) bbox_prefixes.push_back("roi_head.bbox_head.");
    if (bbox_prefixes.empty()) throw Error("no roi_head.bbox_head weights");
    const int masks = w.count("roi_head.mask_head.", ".conv_logits.weight");
    for (int i = 0; i < masks; ++i) mask_prefixes.push_back("roi_head.mask_head." + std::to_string(i) + ".");
    if (masks == 0 && w.find("roi_head.mask_head.conv_logits.weight")) mask_prefixes.push_back("roi_head.mask_head.");

    std::vector<BBoxHeadConfig> bbox_cfgs;
    for (const std::string& p : bbox_prefixes) bbox_cfgs.push_back(bboxHeadConfig(w, p, fpn_channels));
    std::vector<MaskHeadConfig> mask_cfgs;
    for (const std::string& p : mask_prefixes) {
      MaskHeadConfig m;
      m.num_convs = w.count(p + "convs.", ".conv.weight");
      m.in_channels = fpn_channels;
      m.conv_channels = w.get(p + "upsample.weight").size(1);
      m.num_classes = w.get(p + "conv_logits.weight").size(0);
      if (m.num_classes != 1 && m.num_classes != bbox_cfgs[0].num_classes)
        throw Error(p + "conv_logits has " + std::to_string(m.num_classes) + " classes, the bbox head " +
                    std::to_string(bbox_cfgs[0].num_classes));
      mask_cfgs.push_back(m);
    }

    det::CascadeConfig cc;
    if (stdsFromConfig(ck.config_text, bbox_cfgs.size(), cc.stage_stds)) {
      impl->info.stds_source = "config";
    } else {
      cc.stage_stds = defaultStds(bbox_cfgs.size());
      impl->info.stds_source = "mmdet defaults";
    }
    testScaleFromConfig(ck.config_text, impl->info.test_scale);
    impl->net = det::CascadeMaskRCNN(arch, fpn_in, fpn_channels, anchors, bbox_cfgs, mask_cfgs, cc);
    loadWeights(*impl->net->backbone(), ck.state_dict, arch.weights_prefix);
    std::set<std::string> used;
    det::loadHeadWeights(*impl->net->neck(), ck.state_dict, "neck.", used);
    det::loadHeadWeights(*impl->net->rpn(), ck.state_dict, "rpn_head.", used);
    for (size_t i = 0; i < bbox_prefixes.size(); ++i)
      det::loadHeadWeights(*impl->net->bboxHeads()[i], ck.state_dict, bbox_prefixes[i], used);
    for (size_t i = 0; i < mask_prefixes.size(); ++i)
      det::loadHeadWeights(*impl->net->maskHeads()[i], ck.state_dict, mask_prefixes[i], used);
    std::string unexpected;
    for (const NamedTensor& t : ck.state_dict) {
      const bool head =
          t.name.rfind("neck.", 0) == 0 || t.name.rfind("rpn_head.", 0) == 0 || t.name.rfind("roi_head.", 0) == 0;
      const bool counter = t.name.find("num_batches_tracked") != std::string::npos;
      if (head && !counter && !used.count(t.name)) unexpected += "\n  " + t.name;
    }
    if (!unexpected.empty()) throw Error("weights the detection heads do not use:" + unexpected);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  impl->net->to(impl->device);
  impl->net->eval();
  impl->prepareBackbone(options, &ck);
  impl->info.class_names = ck.class_names;
  impl->info.palette = ck.palette;
  fillInfo(impl->info, *impl->net, impl->device);
  return DetectionModel(std::move(impl));
}

DetectionModel DetectionModel::random(const Architecture& backbone, const DetHeadSizes& s, uint64_t seed,
                                      const LoadOptions& options) {
  Architecture arch = backbone;
  arch.head = HeadKind::None;
  arch.num_heads = 0;
  arch.num_classes = 0;
  arch.decoder = DecoderKind::None;
  arch.num_decoders = 0;
  arch.task = Task::Detection;
  arch.weights_prefix = "backbone.";
  auto impl = std::make_unique<Impl>();
  impl->device = parseDetDevice(options.device);
  if (impl->device.is_cpu()) {  // process-wide: see nn/cpu_runtime.h
    keepActivationsMapped();
    configureCpuThreads(options.threads);
  }
  BBoxHeadConfig b;
  b.in_channels = s.fpn_channels;
  b.num_shared_convs = s.conv_bbox_head ? 4 : 0;
  b.conv_norm = s.conv_bbox_head;
  b.num_shared_fcs = s.conv_bbox_head ? 1 : 2;
  b.conv_channels = s.conv_channels;
  b.fc_channels = s.fc_channels;
  b.num_classes = s.num_classes;
  MaskHeadConfig m;
  m.in_channels = s.fpn_channels;
  m.conv_channels = s.conv_channels;
  m.num_classes = s.num_classes;
  det::CascadeConfig cc;
  cc.stage_stds = defaultStds(3);
  std::vector<int64_t> fpn_in(arch.channels.begin(), arch.channels.end());
  impl->net =
      det::CascadeMaskRCNN(arch, fpn_in, s.fpn_channels, int64_t(3), std::vector<BBoxHeadConfig>{b, b, b},
                           s.with_mask ? std::vector<MaskHeadConfig>{m, m, m} : std::vector<MaskHeadConfig>{}, cc);
  torch::manual_seed(seed);
  randomizeWeights(*impl->net->backbone(), seed);
  det::randomizeHeadWeights(*impl->net->neck());
  det::randomizeHeadWeights(*impl->net->rpn());
  for (auto& h : impl->net->bboxHeads()) det::randomizeHeadWeights(*h);
  for (auto& h : impl->net->maskHeads()) det::randomizeHeadWeights(*h);
  impl->net->to(impl->device);
  impl->net->eval();
  impl->prepareBackbone(options, nullptr);
  impl->info.stds_source = "mmdet defaults";
  fillInfo(impl->info, *impl->net, impl->device);
  return DetectionModel(std::move(impl));
}

DetectionOutput DetectionModel::run(const FloatArray& input, const DetImageMeta& meta, const DetTestConfig& config,
                                    bool raw) {
  if (input.shape.size() != 3 || input.shape[0] != 3)
    throw Error("the detection input must be 3 x H x W (RGB, normalised, padded)");
  if (meta.img_h <= 0 || meta.img_w <= 0 || meta.img_h > input.shape[1] || meta.img_w > input.shape[2] ||
      meta.ori_h <= 0 || meta.ori_w <= 0 || !(meta.scale_w > 0) || !(meta.scale_h > 0))
    throw Error("inconsistent image meta for a " + std::to_string(input.shape[1]) + " x " +
                std::to_string(input.shape[2]) + " input");
  if (impl_->device.is_cpu()) configureCpuThreads(impl_->threads);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = viewTensor(input).unsqueeze(0).to(impl_->device, torch::kFloat32, false, true);
  det::Trace trace;
  det::CascadeResult r = impl_->net->forward(x, meta, config, raw ? &trace : nullptr);
  DetectionOutput out;
  for (int l = 0; l < 4; ++l) out.backbone[size_t(l)] = toFloatArray(r.backbone[size_t(l)][0]);
  const torch::Tensor boxes = r.boxes.to(torch::kCPU).contiguous();
  const torch::Tensor scores = r.scores.to(torch::kCPU).contiguous();
  const torch::Tensor labels = r.labels.to(torch::kCPU).contiguous();
  const torch::Tensor masks = r.masks.defined() ? r.masks.to(torch::kCPU, torch::kUInt8).contiguous() : torch::Tensor();
  const int64_t plane = int64_t(meta.ori_h) * meta.ori_w;
  for (int64_t i = 0; i < boxes.size(0); ++i) {
    RawDetection d;
    d.label = int(labels[i].item<int64_t>());
    d.score = scores[i].item<float>();
    for (int k = 0; k < 4; ++k) d.box[size_t(k)] = boxes[i][k].item<float>();
    if (masks.defined()) {
      const uint8_t* p = masks.data_ptr<uint8_t>() + i * plane;
      d.mask.assign(p, p + plane);
    }
    out.detections.push_back(std::move(d));
  }
  for (auto& [name, t] : trace) out.raw.emplace_back(name, toFloatArray(t));
  out.timings = r.timings;
  return out;
}

}  // namespace revcol
