#include "heads/det_ops.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>
#include <revcol/error.h>

#include <algorithm>
#include <cmath>

namespace revcol::det {
namespace {

// One bilinear sample of RoIAlign: four source offsets and weights (all zero outside the map).
struct Sample {
  int64_t pos[4] = {0, 0, 0, 0};
  float w[4] = {0.f, 0.f, 0.f, 0.f};
};

// mmcv's bilinear rule: points further than one pixel outside the map read 0, points in the
// outer half-pixel band are clamped to the border pixel.
Sample bilinearSample(float y, float x, int64_t height, int64_t width) {
  Sample s;
  if (y < -1.f || y > float(height) || x < -1.f || x > float(width)) return s;
  if (y <= 0) y = 0;
  if (x <= 0) x = 0;
  int64_t y_low = static_cast<int64_t>(y), x_low = static_cast<int64_t>(x), y_high, x_high;
  if (y_low >= height - 1) {
    y_high = y_low = height - 1;
    y = float(y_low);
  } else {
    y_high = y_low + 1;
  }
  if (x_low >= width - 1) {
    x_high = x_low = width - 1;
    x = float(x_low);
  } else {
    x_high = x_low + 1;
  }
  const float ly = y - float(y_low), lx = x - float(x_low), hy = 1.f - ly, hx = 1.f - lx;
  s.w[0] = hy * hx;
  s.w[1] = hy * lx;
  s.w[2] = ly * hx;
  s.w[3] = ly * lx;
  s.pos[0] = y_low * width + x_low;
  s.pos[1] = y_low * width + x_high;
  s.pos[2] = y_high * width + x_low;
  s.pos[3] = y_high * width + x_high;
  return s;
}

// The bilinear samples of every output bin of one RoI (per_bin consecutive samples per bin) and
// the count each bin's sum is divided by.
struct RoiSamples {
  std::vector<Sample> samples;
  int64_t per_bin = 0;
  float count = 1.f;
};

RoiSamples roiSamples(int64_t height, int64_t width, const float* roi, int64_t out_h, int64_t out_w,
                      float spatial_scale, int sampling_ratio, bool aligned) {
  const float offset = aligned ? 0.5f : 0.f;
  const float start_w = roi[1] * spatial_scale - offset, start_h = roi[2] * spatial_scale - offset;
  const float end_w = roi[3] * spatial_scale - offset, end_h = roi[4] * spatial_scale - offset;
  float roi_w = end_w - start_w, roi_h = end_h - start_h;
  if (!aligned) {
    roi_w = std::max(roi_w, 1.f);
    roi_h = std::max(roi_h, 1.f);
  }
  // A degenerate box (x2 < x1) has no samples: its features are 0 (mmcv asserts instead).
  roi_w = std::max(roi_w, 0.f);
  roi_h = std::max(roi_h, 0.f);
  const float bin_h = roi_h / float(out_h), bin_w = roi_w / float(out_w);
  const int grid_h = sampling_ratio > 0 ? sampling_ratio : int(std::ceil(roi_h / float(out_h)));
  const int grid_w = sampling_ratio > 0 ? sampling_ratio : int(std::ceil(roi_w / float(out_w)));
  RoiSamples r;
  r.count = float(std::max(grid_h * grid_w, 1));
  r.per_bin = int64_t(grid_h) * grid_w;
  r.samples.reserve(size_t(out_h * out_w * r.per_bin));
  for (int64_t ph = 0; ph < out_h; ++ph)
    for (int64_t pw = 0; pw < out_w; ++pw)
      for (int iy = 0; iy < grid_h; ++iy) {
        const float y = start_h + float(ph) * bin_h + (float(iy) + .5f) * bin_h / float(grid_h);
        for (int ix = 0; ix < grid_w; ++ix) {
          const float x = start_w + float(pw) * bin_w + (float(ix) + .5f) * bin_w / float(grid_w);
          r.samples.push_back(bilinearSample(y, x, height, width));
        }
      }
  return r;
}

void roiAlignOne(const float* input, int64_t channels, int64_t height, int64_t width, const float* roi, float* out,
                 int64_t out_h, int64_t out_w, float spatial_scale, int sampling_ratio, bool aligned) {
  const RoiSamples r = roiSamples(height, width, roi, out_h, out_w, spatial_scale, sampling_ratio, aligned);
  for (int64_t c = 0; c < channels; ++c) {
    const float* plane = input + c * height * width;
    float* o = out + c * out_h * out_w;
    for (int64_t b = 0; b < out_h * out_w; ++b) {
      float acc = 0.f;
      for (int64_t k = 0; k < r.per_bin; ++k) {
        const Sample& s = r.samples[size_t(b * r.per_bin + k)];
        acc +=
            s.w[0] * plane[s.pos[0]] + s.w[1] * plane[s.pos[1]] + s.w[2] * plane[s.pos[2]] + s.w[3] * plane[s.pos[3]];
      }
      o[b] = acc / r.count;
    }
  }
}

void checkRoiAlignArguments(const torch::Tensor& feats, const torch::Tensor& rois) {
  if (feats.dim() != 4 || rois.dim() != 2 || rois.size(1) != 5)
    throw Error("roiAlign: expected N x C x H x W features and K x 5 RoIs");
  const torch::Tensor batch = rois.select(1, 0);
  if (rois.size(0) > 0 && (batch.min().item<float>() < 0 || batch.max().item<float>() >= float(feats.size(0))))
    throw Error("roiAlign: RoI batch index out of range");
}

// The input gradient of mmcv's RoIAlign (RoIs get none, as in mmcv): every output bin's gradient
// spread back over the pixels its samples read, with the forward's bilinear weights / count.
torch::Tensor roiAlignInputGradient(const torch::Tensor& grad_out, const torch::Tensor& rois, at::IntArrayRef shape,
                                    float spatial_scale, int sampling_ratio, bool aligned) {
  const torch::Tensor g = grad_out.to(torch::kCPU, torch::kFloat32).contiguous();
  const torch::Tensor r = rois.to(torch::kCPU, torch::kFloat32).contiguous();
  const int64_t channels = shape[1], height = shape[2], width = shape[3], out_h = g.size(2), out_w = g.size(3);
  torch::Tensor grad_in = torch::zeros(shape, g.options());
  float* gi = grad_in.data_ptr<float>();
  const float* go = g.data_ptr<float>();
  const float* rp = r.data_ptr<float>();
  for (int64_t i = 0; i < r.size(0); ++i) {
    const float* roi = rp + i * 5;
    const RoiSamples s = roiSamples(height, width, roi, out_h, out_w, spatial_scale, sampling_ratio, aligned);
    float* image = gi + static_cast<int64_t>(roi[0]) * channels * height * width;
    // RoIs of one image may overlap: they run one after another, channels in parallel.
    at::parallel_for(0, channels, 1, [&](int64_t begin, int64_t end) {
      for (int64_t c = begin; c < end; ++c) {
        float* plane = image + c * height * width;
        const float* gb = go + (i * channels + c) * out_h * out_w;
        for (int64_t b = 0; b < out_h * out_w; ++b) {
          const float v = gb[b] / s.count;
          for (int64_t k = 0; k < s.per_bin; ++k) {
            const Sample& p = s.samples[size_t(b * s.per_bin + k)];
            for (int q = 0; q < 4; ++q) plane[p.pos[q]] += p.w[q] * v;
          }
        }
      }
    });
  }
  return grad_in;
}

torch::Tensor roiAlignForward(const torch::Tensor& feats, const torch::Tensor& rois, int64_t out_h, int64_t out_w,
                              float spatial_scale, int sampling_ratio, bool aligned) {
  const torch::Tensor f = feats.to(torch::kCPU, torch::kFloat32).contiguous();
  const torch::Tensor r = rois.to(torch::kCPU, torch::kFloat32).contiguous();
  const int64_t k = r.size(0), channels = f.size(1), height = f.size(2), width = f.size(3);
  torch::Tensor out = torch::zeros({k, channels, out_h, out_w}, f.options());
  if (k == 0 || height == 0 || width == 0) return out;
  const float* fp = f.data_ptr<float>();
  const float* rp = r.data_ptr<float>();
  float* op = out.data_ptr<float>();
  at::parallel_for(0, k, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float* roi = rp + i * 5;
      const auto b = static_cast<int64_t>(roi[0]);
      roiAlignOne(fp + b * channels * height * width, channels, height, width, roi, op + i * channels * out_h * out_w,
                  out_h, out_w, spatial_scale, sampling_ratio, aligned);
    }
  });
  return out;
}

// Autograd for the features: training heads on RoI features backpropagates into the FPN.
class RoiAlignFunction : public torch::autograd::Function<RoiAlignFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& feats,
                               const torch::Tensor& rois, int64_t out_h, int64_t out_w, double spatial_scale,
                               int64_t sampling_ratio, bool aligned) {
    ctx->save_for_backward({rois});
    ctx->saved_data["shape"] = feats.sizes().vec();
    ctx->saved_data["scale"] = spatial_scale;
    ctx->saved_data["sampling"] = sampling_ratio;
    ctx->saved_data["aligned"] = aligned;
    return roiAlignForward(feats, rois, out_h, out_w, float(spatial_scale), int(sampling_ratio), aligned)
        .to(feats.device());
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad) {
    const torch::Tensor rois = ctx->get_saved_variables()[0];
    const std::vector<int64_t> shape = ctx->saved_data["shape"].toIntVector();
    const torch::Tensor g = roiAlignInputGradient(grad[0], rois, shape, float(ctx->saved_data["scale"].toDouble()),
                                                  int(ctx->saved_data["sampling"].toInt()),
                                                  ctx->saved_data["aligned"].toBool());
    return {g.to(grad[0].device()), {}, {}, {}, {}, {}, {}};
  }
};

}  // namespace

torch::Tensor roiAlign(const torch::Tensor& feats, const torch::Tensor& rois, int64_t out_h, int64_t out_w,
                       float spatial_scale, int sampling_ratio, bool aligned) {
  checkRoiAlignArguments(feats, rois);
  if (feats.requires_grad() && torch::GradMode::is_enabled())
    return RoiAlignFunction::apply(feats, rois.detach(), out_h, out_w, double(spatial_scale), int64_t(sampling_ratio),
                                   aligned);
  return roiAlignForward(feats, rois, out_h, out_w, spatial_scale, sampling_ratio, aligned).to(feats.device());
}

torch::Tensor nms(const torch::Tensor& boxes, const torch::Tensor& scores, float iou_threshold) {
  if (boxes.dim() != 2 || boxes.size(1) != 4 || scores.dim() != 1 || scores.size(0) != boxes.size(0))
    throw Error("nms: expected K x 4 boxes and K scores");
  const auto device = boxes.device();
  if (boxes.size(0) == 0) return torch::empty({0}, torch::dtype(torch::kLong).device(device));
  const torch::Tensor b = boxes.to(torch::kCPU, torch::kFloat32).contiguous();
  const torch::Tensor s = scores.to(torch::kCPU, torch::kFloat32).contiguous();
  const torch::Tensor x1 = b.select(1, 0).contiguous(), y1 = b.select(1, 1).contiguous();
  const torch::Tensor x2 = b.select(1, 2).contiguous(), y2 = b.select(1, 3).contiguous();
  const torch::Tensor areas_t = (x2 - x1) * (y2 - y1);
  const torch::Tensor order_t = std::get<1>(s.sort(0, /*descending=*/true));
  const int64_t n = b.size(0);
  const float *px1 = x1.data_ptr<float>(), *py1 = y1.data_ptr<float>();
  const float *px2 = x2.data_ptr<float>(), *py2 = y2.data_ptr<float>();
  const float* areas = areas_t.data_ptr<float>();
  const int64_t* order = order_t.data_ptr<int64_t>();
  std::vector<char> keep(size_t(n), 1);
  std::vector<int64_t> kept;
  for (int64_t oi = 0; oi < n; ++oi) {
    if (!keep[size_t(oi)]) continue;
    const int64_t i = order[oi];
    kept.push_back(i);
    for (int64_t oj = oi + 1; oj < n; ++oj) {
      if (!keep[size_t(oj)]) continue;
      const int64_t j = order[oj];
      const float w = std::max(0.f, std::min(px2[i], px2[j]) - std::max(px1[i], px1[j]));
      const float h = std::max(0.f, std::min(py2[i], py2[j]) - std::max(py1[i], py1[j]));
      const float inter = w * h;
      const float iou = inter / (areas[i] + areas[j] - inter);
      if (iou > iou_threshold) keep[size_t(oj)] = 0;
    }
  }
  return torch::tensor(kept, torch::kLong).to(device);
}

std::pair<torch::Tensor, torch::Tensor> batchedNms(const torch::Tensor& boxes, const torch::Tensor& scores,
                                                   const torch::Tensor& idxs, float iou_threshold) {
  if (boxes.size(0) == 0)
    return {torch::zeros({0, 5}, boxes.options()),
            torch::empty({0}, torch::dtype(torch::kLong).device(boxes.device()))};
  const torch::Tensor max_coordinate = boxes.max();
  const torch::Tensor offsets = idxs.to(boxes.dtype()) * (max_coordinate + 1);
  const torch::Tensor for_nms = boxes + offsets.unsqueeze(1);
  constexpr int64_t kSplitThreshold = 10000;  // mmcv's split_thr
  torch::Tensor keep, kept_scores;
  if (boxes.size(0) < kSplitThreshold) {
    keep = nms(for_nms, scores, iou_threshold);
    kept_scores = scores.index_select(0, keep);
  } else {
    torch::Tensor total = torch::zeros_like(scores, torch::kBool);
    const torch::Tensor ids = std::get<0>(at::_unique(idxs, /*sorted=*/true));
    for (int64_t u = 0; u < ids.size(0); ++u) {
      const torch::Tensor mask = (idxs == ids[u]).nonzero().view(-1);
      const torch::Tensor k = nms(for_nms.index_select(0, mask), scores.index_select(0, mask), iou_threshold);
      total.index_fill_(0, mask.index_select(0, k), true);
    }
    keep = total.nonzero().view(-1);
    auto sorted = scores.index_select(0, keep).sort(0, /*descending=*/true);
    kept_scores = std::get<0>(sorted);
    keep = keep.index_select(0, std::get<1>(sorted));
  }
  return {torch::cat({boxes.index_select(0, keep), kept_scores.unsqueeze(1)}, 1), keep};
}

torch::Tensor deltaXYWHDecode(const torch::Tensor& rois, const torch::Tensor& deltas, const std::array<float, 4>& stds,
                              int64_t max_h, int64_t max_w) {
  const int64_t n = deltas.size(0), k = deltas.size(1) / 4;
  if (n == 0) return deltas;
  const torch::Tensor d = deltas.reshape({-1, 4});
  const torch::Tensor std_t = torch::tensor({stds[0], stds[1], stds[2], stds[3]}, d.options()).view({1, -1});
  const torch::Tensor denorm = d * std_t + torch::zeros({1, 4}, d.options());
  const torch::Tensor dxy = denorm.slice(1, 0, 2);
  torch::Tensor dwh = denorm.slice(1, 2, 4);
  const torch::Tensor r = rois.repeat({1, k}).reshape({-1, 4});
  const torch::Tensor pxy = (r.slice(1, 0, 2) + r.slice(1, 2, 4)) * 0.5;
  const torch::Tensor pwh = r.slice(1, 2, 4) - r.slice(1, 0, 2);
  const torch::Tensor dxy_wh = pwh * dxy;
  const double max_ratio = std::abs(std::log(16.0 / 1000.0));  // wh_ratio_clip 16/1000
  dwh = dwh.clamp(-max_ratio, max_ratio);
  const torch::Tensor gxy = pxy + dxy_wh;
  const torch::Tensor gwh = pwh * dwh.exp();
  torch::Tensor out = torch::cat({gxy - gwh * 0.5, gxy + gwh * 0.5}, -1);
  if (max_h > 0 && max_w > 0) {
    using torch::indexing::None;
    using torch::indexing::Slice;
    out.index({"...", Slice(0, None, 2)}).clamp_(0, double(max_w));
    out.index({"...", Slice(1, None, 2)}).clamp_(0, double(max_h));
  }
  return out.reshape({n, -1});
}

torch::Tensor gridAnchors(int64_t stride, const std::vector<float>& ratios, const std::vector<float>& scales,
                          int64_t feat_h, int64_t feat_w) {
  const auto f32 = torch::kFloat32;
  const torch::Tensor r = torch::tensor(ratios, f32), s = torch::tensor(scales, f32);
  const torch::Tensor h_ratios = r.sqrt(), w_ratios = 1 / h_ratios;
  const double base = double(stride);
  const torch::Tensor ws = (base * w_ratios.unsqueeze(1) * s.unsqueeze(0)).view(-1);
  const torch::Tensor hs = (base * h_ratios.unsqueeze(1) * s.unsqueeze(0)).view(-1);
  const torch::Tensor base_anchors = torch::stack({0.0 - 0.5 * ws, 0.0 - 0.5 * hs, 0.0 + 0.5 * ws, 0.0 + 0.5 * hs}, -1);
  const torch::Tensor shift_x = torch::arange(0, feat_w, torch::kLong).to(f32) * double(stride);
  const torch::Tensor shift_y = torch::arange(0, feat_h, torch::kLong).to(f32) * double(stride);
  const torch::Tensor xx = shift_x.repeat({feat_h});
  const torch::Tensor yy = shift_y.view({-1, 1}).repeat({1, feat_w}).view(-1);
  const torch::Tensor shifts = torch::stack({xx, yy, xx, yy}, -1);
  return (base_anchors.unsqueeze(0) + shifts.unsqueeze(1)).view({-1, 4});
}

torch::Tensor roiLevels(const torch::Tensor& rois, int64_t num_levels) {
  const torch::Tensor scale =
      ((rois.select(1, 3) - rois.select(1, 1)) * (rois.select(1, 4) - rois.select(1, 2))).sqrt();
  return torch::floor(torch::log2(scale / 56 + 1e-6)).clamp(0, double(num_levels - 1)).to(torch::kLong);
}

torch::Tensor extractRoiFeatures(const std::vector<torch::Tensor>& feats, const std::vector<int64_t>& strides,
                                 const torch::Tensor& rois, int64_t out_size) {
  const auto levels = static_cast<int64_t>(strides.size());
  torch::Tensor out = torch::zeros({rois.size(0), feats[0].size(1), out_size, out_size}, feats[0].options());
  if (rois.size(0) == 0) return out;
  const torch::Tensor lvl = roiLevels(rois, levels);
  for (int64_t l = 0; l < levels; ++l) {
    const torch::Tensor inds = (lvl == l).nonzero().view(-1);
    if (inds.numel() == 0) continue;
    out.index_copy_(0, inds,
                    roiAlign(feats[size_t(l)], rois.index_select(0, inds), out_size, out_size,
                             1.f / float(strides[size_t(l)]), 0, true));
  }
  return out;
}

}  // namespace revcol::det
