#include "heads/seg_model.h"

#include <revcol/error.h>

#include <regex>

#include "api/model_access.h"
#include "api/tensor_convert.h"
#include "checkpoint/checkpoint.h"
#include "heads/seg_upernet.h"
#include "nn/cpu_runtime.h"
#include "nn/fast_revcol.h"
#include "nn/weights.h"

namespace revcol {
namespace {

// "pool_scales=(1, 2, 3, 6)" of the decode head in an mmseg config, else the UPerNet default.
std::vector<int64_t> poolScalesFromConfig(const std::string& config) {
  static const std::regex re(R"(pool_scales\s*=\s*[\(\[]([0-9,\s]+)[\)\]])");
  std::smatch m;
  if (!std::regex_search(config, m, re)) return {1, 2, 3, 6};
  std::vector<int64_t> scales;
  static const std::regex num("[0-9]+");
  const std::string list = m[1].str();
  for (auto it = std::sregex_iterator(list.begin(), list.end(), num); it != std::sregex_iterator(); ++it)
    scales.push_back(std::stoll(it->str()));
  return scales.empty() ? std::vector<int64_t>{1, 2, 3, 6} : scales;
}

// align_corners of the decode head (mmseg's EncoderDecoder uses the decode head's for every resize).
bool alignCornersFromConfig(const std::string& config) {
  const size_t head = config.find("decode_head");
  if (head == std::string::npos) return false;
  const size_t end = config.find("auxiliary_head", head);
  const std::string part = config.substr(head, end == std::string::npos ? std::string::npos : end - head);
  return std::regex_search(part, std::regex(R"(align_corners\s*=\s*True)"));
}

}  // namespace

struct SegmentationNetwork::Impl {
  SegNetworkInfo info;
  RevColNet backbone{nullptr};
  std::shared_ptr<FastRevColNet> fast;  // the backbone's CPU fast path; null: the plain modules
  UPerHead head{nullptr};
  torch::Device device{torch::kCPU};
  int threads = 0;          // LoadOptions::threads, applied again before each call (per calling thread)
  ModelInfo backbone_info;  // what RevColModel::load reports for the same checkpoint

  // mmseg EncoderDecoder.encode_decode: backbone, decode head, bilinear resize to the input size.
  torch::Tensor encodeDecode(const torch::Tensor& img, SegPass* pass, const Ablation& ablation) {
    ForwardOptions fo;
    fo.heads = false;
    fo.decoders = false;
    fo.ablation = &ablation;
    ForwardResult f = fast ? fast->forward(img, fo) : backbone->forward(img, fo);
    std::vector<torch::Tensor> levels(f.last.begin(), f.last.end());
    torch::Tensor out = head->forward(levels);
    if (pass) {
      for (size_t l = 0; l < 4; ++l) pass->levels[l] = toFloatArray(levels[l].squeeze(0));
      pass->decode_logits = toFloatArray(out.squeeze(0));
    }
    return torch::upsample_bilinear2d(out, img.sizes().slice(2), head->config().align_corners);
  }
};

SegmentationNetwork::SegmentationNetwork(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SegmentationNetwork::SegmentationNetwork(SegmentationNetwork&&) noexcept = default;
SegmentationNetwork& SegmentationNetwork::operator=(SegmentationNetwork&&) noexcept = default;
SegmentationNetwork::~SegmentationNetwork() = default;

const SegNetworkInfo& SegmentationNetwork::info() const { return impl_->info; }

RevColModel SegmentationNetwork::backboneModel() const {
  return RevColModelAccess::overBackbone(impl_->backbone, impl_->fast, impl_->backbone_info, impl_->threads);
}

SegmentationNetwork SegmentationNetwork::load(const std::string& path, const LoadOptions& options) {
  auto impl = std::make_unique<Impl>();
  const std::string& device = options.device;
  if (device == "cuda") {
    if (!torch::cuda::is_available()) throw Error("--device cuda: this libtorch build sees no CUDA device");
    impl->device = torch::Device(torch::kCUDA);
  } else if (device != "cpu") {
    throw Error("unknown device '" + device + "' (cpu or cuda)");
  }
  Checkpoint ck = readCheckpoint(path);
  Architecture arch = inferArchitecture(ck.state_dict);
  if (arch.task != Task::Segmentation)
    throw Error(path + " holds a " + std::string(toString(arch.task)) +
                " model, not an mmseg segmentor (expected backbone.* and decode_head.* weights)");
  impl->backbone = RevColNet(arch);
  loadWeights(*impl->backbone, ck.state_dict, arch.weights_prefix);
  impl->backbone->eval();

  UPerHeadConfig hc = inferUPerHead(ck.state_dict, "decode_head.", poolScalesFromConfig(ck.config_text));
  hc.align_corners = alignCornersFromConfig(ck.config_text);
  if (hc.in_channels.size() != 4 || !std::equal(hc.in_channels.begin(), hc.in_channels.end(), arch.channels.begin()))
    throw Error("the decode head of " + path + " reads levels of other widths than the backbone's (" + describe(arch) +
                ")");
  impl->head = UPerHead(hc);
  loadUPerHead(*impl->head, ck.state_dict, "decode_head.");
  impl->backbone->to(impl->device);
  impl->head->to(impl->device);
  impl->threads = options.threads;
  if (impl->device.is_cpu()) {  // process-wide: see nn/cpu_runtime.h
    keepActivationsMapped();
    configureCpuThreads(options.threads);
    impl->fast = checkedFastPath(*impl->backbone, options.fast, options.bf16, &impl->info.cpu_path);
  }
  impl->backbone_info = describeModel(*impl->backbone, &ck, impl->info.cpu_path);

  SegNetworkInfo& info = impl->info;
  info.backbone = arch;
  info.head_in_channels = hc.in_channels;
  info.head_channels = hc.channels;
  info.num_classes = hc.num_classes;
  info.pool_scales = hc.pool_scales;
  for (const auto& t : ck.state_dict)
    if (t.name.rfind("auxiliary_head.", 0) == 0) info.has_auxiliary_head = true;
  info.class_names = ck.class_names;
  info.palette = ck.palette;
  info.config_text = ck.config_text;
  info.file = path;
  info.device = device;
  return SegmentationNetwork(std::move(impl));
}

SegRunOutput SegmentationNetwork::run(const FloatArray& chw, int original_h, int original_w, const SegRunOptions& o) {
  if (chw.shape.size() != 3 || chw.shape[0] != 3) throw Error("the segmentor takes a 3 x H x W image");
  if (original_h < 1 || original_w < 1) throw Error("the original image size must be positive");
  Impl& m = *impl_;
  if (m.device.is_cpu()) configureCpuThreads(m.threads);
  torch::InferenceMode inference;
  const bool align = m.head->config().align_corners;
  const torch::Tensor img = viewTensor(chw).unsqueeze(0).to(m.device);
  const int64_t h_img = img.size(2), w_img = img.size(3);
  SegRunOutput result;
  torch::Tensor logits;
  if (!o.slide) {
    SegPass pass{0, 0, int(w_img), int(h_img), {}, {}};
    logits = m.encodeDecode(img, o.keep_features ? &pass : nullptr, o.ablation);
    result.passes.push_back(std::move(pass));
  } else {
    if (o.crop_h < 1 || o.crop_w < 1 || o.stride_h < 1 || o.stride_w < 1)
      throw Error("slide inference needs a positive crop size and stride");
    // mmseg EncoderDecoder.slide_inference: a grid of crops clipped to the image, each crop's
    // logits (resized to the crop) summed into place and divided by how many crops cover a pixel.
    const int64_t hc = o.crop_h, wc = o.crop_w, hs = o.stride_h, ws = o.stride_w;
    const int64_t h_grids = std::max<int64_t>(h_img - hc + hs - 1, 0) / hs + 1;
    const int64_t w_grids = std::max<int64_t>(w_img - wc + ws - 1, 0) / ws + 1;
    torch::Tensor preds = torch::zeros({1, m.head->config().num_classes, h_img, w_img}, img.options());
    torch::Tensor count = torch::zeros({1, 1, h_img, w_img}, img.options());
    for (int64_t hi = 0; hi < h_grids; ++hi) {
      for (int64_t wi = 0; wi < w_grids; ++wi) {
        int64_t y1 = hi * hs, x1 = wi * ws;
        const int64_t y2 = std::min(y1 + hc, h_img), x2 = std::min(x1 + wc, w_img);
        y1 = std::max<int64_t>(y2 - hc, 0);
        x1 = std::max<int64_t>(x2 - wc, 0);
        using torch::indexing::Slice;
        const torch::Tensor crop = img.index({Slice(), Slice(), Slice(y1, y2), Slice(x1, x2)});
        SegPass pass{int(x1), int(y1), int(x2 - x1), int(y2 - y1), {}, {}};
        torch::Tensor crop_logits = m.encodeDecode(crop, o.keep_features ? &pass : nullptr, o.ablation);
        result.passes.push_back(std::move(pass));
        // preds += F.pad(crop_logits, ...): the padding adds exact zeros elsewhere.
        preds.index({Slice(), Slice(), Slice(y1, y2), Slice(x1, x2)}).add_(crop_logits);
        count.index({Slice(), Slice(), Slice(y1, y2), Slice(x1, x2)}).add_(1);
      }
    }
    logits = preds / count;
  }
  // Back to the original size (mmseg rescale=True), then softmax and argmax as simple_test does.
  logits = torch::upsample_bilinear2d(logits, {original_h, original_w}, align);
  if (o.keep_final_logits) result.final_logits = toFloatArray(logits.squeeze(0));
  // softmax + argmax per pixel, in bands of rows: the same values as on the whole map without a
  // second classes x H x W buffer (hundreds of MB for a photo with 150 classes).
  torch::Tensor labels = torch::empty({original_h, original_w}, img.options().dtype(torch::kLong));
  for (int64_t y = 0; y < original_h; y += 64) {
    using torch::indexing::Slice;
    const int64_t y2 = std::min<int64_t>(y + 64, original_h);
    labels.index_put_({Slice(y, y2)},
                      torch::softmax(logits.index({Slice(), Slice(), Slice(y, y2)}), 1).argmax(1).squeeze(0));
  }
  logits = torch::Tensor();
  const int64_t classes = m.head->config().num_classes;
  torch::Tensor counts = torch::bincount(labels.flatten(), {}, classes).to(torch::kCPU, torch::kInt64);
  labels = labels.to(torch::kCPU, torch::kInt32).contiguous();
  result.height = original_h;
  result.width = original_w;
  result.labels.assign(labels.data_ptr<int32_t>(), labels.data_ptr<int32_t>() + labels.numel());
  result.pixel_counts.assign(counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + counts.numel());
  return result;
}

std::vector<std::pair<std::string, FloatArray>> readTensorArrays(const std::string& path) {
  std::vector<std::pair<std::string, FloatArray>> out;
  for (const NamedTensor& t : readTensorFile(path)) out.emplace_back(t.name, toFloatArray(t.tensor));
  return out;
}

}  // namespace revcol
