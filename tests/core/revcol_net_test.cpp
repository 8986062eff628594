// RevCol network, loading and reconstruction with random weights (no checkpoint files needed).
#include <revcol/error.h>
#include <revcol/model.h>

#include "analysis/reconstruction.h"
#include "nn/cpu_runtime.h"
#include "nn/revcol_net.h"
#include "nn/weights.h"

#include <gtest/gtest.h>

#include "relative_l2.h"

namespace revcol {
namespace {

Architecture small(bool huge = false, int columns = 4) {
  Architecture a;
  a.channels = {8, 16, 32, 64};
  a.layers = {1, 1, 2, 1};
  a.columns = columns;
  a.kernel_size = 3;
  a.huge = huge;
  a.num_classes = 10;
  a.head = HeadKind::IntermediateSupervision;
  a.num_heads = 4;
  a.decoder = DecoderKind::Decoder;
  a.num_decoders = 3;
  return a;
}

std::vector<NamedTensor> stateDict(RevColNetImpl& net) {
  std::vector<NamedTensor> sd;
  for (const auto& p : net.named_parameters(true)) sd.push_back({p.key(), p.value().detach().clone()});
  return sd;
}

TEST(RevColNet, StateDictNamesAreTheOfficialOnes) {
  RevColNet net(small(/*huge=*/true));
  auto params = net->named_parameters(true);
  for (const char* name :
       {"stem.0.weight", "stem.1.bias", "subnet0.alpha3", "subnet0.level1.fusion.down.0.weight",
        "subnet0.level1.fusion.down.1.weight", "subnet1.level0.fusion.up.channel_reschedule.0.weight",
        "subnet1.level0.fusion.up.channel_reschedule.1.bias", "subnet1.level0.fusion.up2.channel_reschedule.0.weight",
        "subnet2.level2.blocks.1.gamma", "subnet3.level3.blocks.0.dwconv.weight", "subnet3.level3.blocks.0.norm.weight",
        "subnet3.level3.blocks.0.pwconv1.weight", "cls_blocks.3.classifier.0.weight", "cls_blocks.0.classifier.1.bias",
        "decoder_blocks.2.proj_layers.0.0.weight", "decoder_blocks.2.proj_layers.2.1.bias",
        "decoder_blocks.0.normal_layers.1.0.pwconv2.weight", "decoder_blocks.1.projback.0.weight"})
    EXPECT_TRUE(params.contains(name)) << name;
  EXPECT_FALSE(params.contains("subnet0.level0.fusion.up.channel_reschedule.0.weight"));
  EXPECT_FALSE(params.contains("subnet1.level3.fusion.up.channel_reschedule.0.weight"));
  EXPECT_EQ(params["subnet1.level0.fusion.up2.channel_reschedule.0.weight"].sizes(), torch::IntArrayRef({8, 64}));
  EXPECT_EQ(params["subnet0.level1.blocks.0.pwconv1.weight"].sizes(), torch::IntArrayRef({64, 16}));
  EXPECT_EQ(params["decoder_blocks.0.normal_layers.0.0.pwconv1.weight"].sizes(), torch::IntArrayRef({32, 32}));
}

TEST(RevColNet, ParameterCountOfRevColTMatchesTheOfficialModel) {
  // models/revcol.py revcol_tiny(): sum(p.numel() for p in model.parameters()).
  RevColNet net(revcolTiny());
  int64_t n = 0;
  for (const auto& p : net->parameters()) n += p.numel();
  EXPECT_EQ(n, 33063984);
}

TEST(RevColNet, ArchitectureIsInferredBackFromItsOwnWeights) {
  for (bool huge : {false, true}) {
    Architecture a = small(huge, 8);
    a.kernel_size = 5;
    RevColNet net(a);
    Architecture b = inferArchitecture(stateDict(*net));
    EXPECT_EQ(b.channels, a.channels);
    EXPECT_EQ(b.layers, a.layers);
    EXPECT_EQ(b.columns, 8);
    EXPECT_EQ(b.kernel_size, 5);
    EXPECT_EQ(b.huge, huge);
    EXPECT_EQ(b.num_classes, 10);
    EXPECT_EQ(b.head, HeadKind::IntermediateSupervision);
    EXPECT_EQ(b.decoder, DecoderKind::Decoder);
    EXPECT_EQ(b.num_decoders, 3);
    EXPECT_EQ(b.task, Task::Classification);
    EXPECT_EQ(b.variant, "custom");
  }
  RevColNet tiny(revcolTiny());
  EXPECT_EQ(inferArchitecture(stateDict(*tiny)).variant, "T");
}

TEST(RevColNet, NonRevColWeightsAreRejectedWithTheReason) {
  std::vector<NamedTensor> resnet = {{"conv1.weight", torch::zeros({64, 3, 7, 7})},
                                     {"fc.weight", torch::zeros({1000, 2048})}};
  try {
    inferArchitecture(resnet);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a RevCol network"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("stem.0.weight"), std::string::npos) << e.what();
  }
  EXPECT_THROW(inferArchitecture({}), Error);
  EXPECT_THROW(inferArchitecture({{"stem.0.weight", torch::zeros({8, 3, 4, 4})}}), Error);
}

TEST(RevColNet, MissingUnexpectedAndMismatchedWeightsAreListedInOneError) {
  Architecture a = small();
  RevColNet net(a);
  auto sd = stateDict(*net);
  for (auto& t : sd)
    if (t.name == "subnet2.level1.blocks.0.pwconv1.weight") t.tensor = torch::zeros({63, 16});
  sd.erase(std::remove_if(sd.begin(), sd.end(), [](const NamedTensor& t) { return t.name == "subnet1.alpha2"; }),
           sd.end());
  sd.push_back({"subnet1.level0.extra", torch::zeros({3})});
  RevColNet target(a);
  try {
    loadWeights(*target, sd, "");
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("1 missing (subnet1.alpha2)"), std::string::npos) << m;
    EXPECT_NE(m.find("1 unexpected (subnet1.level0.extra)"), std::string::npos) << m;
    EXPECT_NE(m.find("subnet2.level1.blocks.0.pwconv1.weight: stored [63, 16], network [64, 16]"), std::string::npos)
        << m;
  }
}

TEST(RevColNet, AlphaClampKeepsSignAndZero) {
  auto a = torch::tensor({0.5f, -0.5f, 1e-4f, -1e-4f, 0.0f, -2e-3f});
  auto c = clampAlpha(a);
  auto expected = torch::tensor({0.5f, -0.5f, 1e-3f, -1e-3f, 0.0f, -2e-3f});
  EXPECT_TRUE(torch::equal(c, expected)) << c;
}

TEST(RevColNet, LoadingClampsAlphasAndKeepsTheStoredValues) {
  Architecture a = small();
  RevColNet src(a);
  randomizeWeights(*src, 3);
  auto sd = stateDict(*src);
  for (auto& t : sd)
    if (t.name == "subnet1.alpha0") t.tensor.index_put_({0, 0, 0, 0}, -2e-4f);
  RevColNet dst(a);
  loadWeights(*dst, sd, "");
  EXPECT_FLOAT_EQ(dst->subnet(1)->alpha[0][0][0][0][0].item<float>(), -1e-3f);
  EXPECT_FLOAT_EQ(dst->subnet(1)->raw_alpha[0][0][0][0][0].item<float>(), -2e-4f);
  auto stats = alphaStats(dst->subnet(1)->alpha[0], dst->subnet(1)->raw_alpha[0]);
  EXPECT_EQ(stats.clamped, 1);
  EXPECT_FLOAT_EQ(stats.min_abs, 1e-3f);
}

// The forward must be the column update of the paper, written out here by hand.
TEST(RevColNet, ForwardIsTheColumnUpdate) {
  torch::NoGradGuard no_grad;
  Architecture a = small(/*huge=*/true);
  RevColNet net(a);
  randomizeWeights(*net, 1);
  auto input = torch::randn({1, 3, 64, 96});
  std::vector<Levels> seen, added;
  ForwardOptions opts;
  opts.added = true;
  auto r = net->forward(input, opts, [&](const ColumnOutput& out) {
    seen.push_back(out.c);
    added.push_back(out.added);
    return true;
  });
  ASSERT_EQ(seen.size(), 4u);
  auto x = net->stem(input);
  auto& s = *net->subnet(2);
  const Levels& p = seen[1];
  torch::Tensor none;
  auto c0 = s.alpha[0] * p[0] + s.levelFn(0, x, p[1], p[3]);
  auto c1 = s.alpha[1] * p[1] + s.levelFn(1, c0, p[2], none);
  auto c2 = s.alpha[2] * p[2] + s.levelFn(2, c1, p[3], none);
  auto c3 = s.alpha[3] * p[3] + s.levelFn(3, c2, none, none);
  EXPECT_LT(relL2(seen[2][0], c0), 1e-6);
  EXPECT_LT(relL2(seen[2][3], c3), 1e-6);
  for (int l = 0; l < 4; ++l)  // F_l = c_l(k) - alpha_l * c_l(k-1)
    EXPECT_LT(relL2(added[2][l], seen[2][l] - s.alpha[l] * p[l]), 1e-5) << l;
  EXPECT_TRUE(torch::equal(added[0][1], seen[0][1]));  // the first column starts from 0
  EXPECT_EQ(seen[2][3].sizes(), torch::IntArrayRef({1, 64, 2, 3}));
  EXPECT_EQ(r.logits.size(), 4u);
  ASSERT_EQ(r.images.size(), 3u);
  EXPECT_EQ(r.images[0].sizes(), torch::IntArrayRef({1, 3, 64, 96}));
}

TEST(RevColNet, SinkCanStopTheForwardEarly) {
  torch::NoGradGuard no_grad;
  RevColNet net(small());
  int calls = 0;
  auto r = net->forward(torch::randn({1, 3, 32, 32}), {}, [&](const ColumnOutput& out) {
    ++calls;
    return out.column < 1;
  });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(r.columns_done, 2);
  EXPECT_EQ(r.logits.size(), 2u);  // 4 columns, 4 heads: one head after each column run
}

TEST(RevColNet, OddSizesWorkWithSizeBasedUpsampling) {
  torch::NoGradGuard no_grad;
  RevColNet net(small());
  randomizeWeights(*net, 2);
  auto r = net->forward(torch::randn({1, 3, 100, 76}), {});  // stem 25 x 19: odd at every level
  EXPECT_EQ(r.last[0].sizes(), torch::IntArrayRef({1, 8, 25, 19}));
  EXPECT_EQ(r.last[3].sizes(), torch::IntArrayRef({1, 64, 3, 2}));
}

TEST(Reconstruction, Float64StepInversionIsExact) {
  torch::NoGradGuard no_grad;
  for (bool huge : {false, true}) {
    Architecture a = small(huge, 4);
    RevColNet net(a);
    randomizeWeights(*net, 7);
    net->to(torch::kFloat64);
    std::vector<Levels> feats;
    auto r = net->forward(torch::randn({1, 3, 64, 64}, torch::kFloat64), {}, [&](const ColumnOutput& o) {
      feats.push_back(o.c);
      return true;
    });
    auto rec = reconstruct(*net, r.stem, feats, ReconstructionMode::Step);
    ASSERT_EQ(rec.size(), 3u);
    for (const auto& col : rec)
      for (int l = 0; l < 4; ++l) {
        EXPECT_LT(col.levels[l].rel_l2, 1e-9) << "huge " << huge << " column " << col.target << " level " << l;
        EXPECT_EQ(col.levels[l].map.shape, (std::vector<int64_t>{feats[0][l].size(2), feats[0][l].size(3)}));
      }
  }
}

// Without grad, the float64 net (the analysis's reconstruction reference) convolves depthwise by
// shifted multiply-adds and splits its products' rows over the threads (nn/modules.cpp); with grad
// it runs libtorch's own float64 operations. Both give the same levels to the last bits of a
// double, for both kernel sizes RevCol uses and at an odd input size (stem 25 x 19).
TEST(Float64Net, InferenceOperationsGiveLibtorchsLevels) {
  configureCpuThreads(2);
  for (int64_t kernel : {3, 7}) {
    Architecture a = small();
    a.kernel_size = kernel;
    RevColNet net(a);
    randomizeWeights(*net, 11);
    net->to(torch::kFloat64);
    const auto x = torch::randn({1, 3, 100, 76}, torch::kFloat64);
    ForwardOptions opts;
    opts.decoders = false;
    const Levels reference = net->forward(x, opts).last;  // grad mode: libtorch's operations
    torch::NoGradGuard no_grad;
    const auto r = net->forward(x, opts);
    for (int l = 0; l < 4; ++l) {
      const double scale = reference[l].abs().max().item<double>();
      EXPECT_LT((r.last[l] - reference[l]).abs().max().item<double>(), 1e-12 * scale)
          << "kernel " << kernel << " level " << l;
    }
  }
}

// compareLevel's one pass against the same figures from whole-tensor float64 operations, on the
// plain path's layout (contiguous NCHW) and the fast path's (channels-last), float32 and float64.
TEST(Reconstruction, LevelErrorFiguresMatchWholeTensorFloat64) {
  torch::manual_seed(4);
  for (auto type : {torch::kFloat32, torch::kFloat64})
    for (bool channels_last : {false, true}) {
      auto truth = torch::randn({1, 24, 9, 13}, type);
      auto recovered = truth + 1e-3 * torch::randn({1, 24, 9, 13}, type);
      if (channels_last) {
        truth = truth.contiguous(at::MemoryFormat::ChannelsLast);
        recovered = recovered.contiguous(at::MemoryFormat::ChannelsLast);
      }
      const LevelError e = compareLevel(recovered, truth);
      const auto d = (recovered.to(torch::kFloat64) - truth.to(torch::kFloat64)).abs();
      const double want = d.norm().item<double>() / truth.to(torch::kFloat64).norm().item<double>();
      EXPECT_NEAR(e.rel_l2, want, 1e-12 * want) << type << " channels-last " << channels_last;
      EXPECT_EQ(e.max_abs, d.max().item<double>());
      ASSERT_EQ(e.map.shape, (std::vector<int64_t>{9, 13}));
      const auto map = d.mean(1)[0].to(torch::kFloat32).contiguous();
      for (int64_t i = 0; i < map.numel(); ++i)
        EXPECT_NEAR(e.map.values[static_cast<size_t>(i)], map.data_ptr<float>()[i], 1e-9) << i;
    }
  // Identical maps: zero error, and zero relative error when the truth is zero too.
  const auto zero = torch::zeros({1, 4, 3, 3});
  EXPECT_EQ(compareLevel(zero, zero).rel_l2, 0.0);
  EXPECT_THROW(compareLevel(zero, torch::zeros({1, 4, 3, 2})), Error);
}

TEST(RevColModelFacade, RandomModelClassifiesAndAnalyses) {
  Architecture a = small();
  auto model = RevColModel::random(a, 5);
  EXPECT_EQ(model.info().weights_source, "random");
  EXPECT_EQ(model.info().device, "cpu");
  FloatArray img;
  img.shape = {3, 64, 64};
  img.values.assign(3 * 64 * 64, 0.0f);
  for (size_t i = 0; i < img.values.size(); ++i) img.values[i] = static_cast<float>((i * 7919) % 255) / 128.0f - 1.0f;
  auto heads = model.classify(img, 3);
  ASSERT_EQ(heads.size(), 4u);
  EXPECT_EQ(heads[3].column, 3);
  EXPECT_EQ(heads[3].logits.size(), 10u);
  ASSERT_EQ(heads[3].top.size(), 3u);
  EXPECT_GE(heads[3].top[0].logit, heads[3].top[1].logit);

  AnalysisOptions opts;
  opts.precisions = {Precision::Float32, Precision::Float64};
  opts.modes = {ReconstructionMode::Step, ReconstructionMode::Chain};
  int last_done = 0, last_total = 0;
  opts.progress = [&](int done, int total) {
    last_done = done;
    last_total = total;
    return true;
  };
  auto res = model.analyze(img, opts);
  EXPECT_EQ(last_done, last_total);
  ASSERT_EQ(res.columns.size(), 4u);
  EXPECT_EQ(res.columns[1].levels[2].shape, (std::vector<int64_t>{32, 4, 4}));
  EXPECT_EQ(res.columns[1].added[0].shape, (std::vector<int64_t>{8, 16, 16}));
  EXPECT_EQ(res.columns[2].alphas[3].channels, 64);
  ASSERT_EQ(res.reconstructions.size(), 4u);
  ASSERT_EQ(res.decoder_images.size(), 3u);
  EXPECT_EQ(res.decoder_images[0].shape, (std::vector<int64_t>{3, 64, 64}));
  for (const auto& rec : res.reconstructions) {
    ASSERT_EQ(rec.columns.size(), 3u);
    double worst = 0;
    for (const auto& c : rec.columns)
      for (const auto& l : c.levels) worst = std::max(worst, l.rel_l2);
    std::printf("%s %s: worst relative L2 %.3g\n", rec.precision == Precision::Float64 ? "fp64" : "fp32",
                rec.mode == ReconstructionMode::Step ? "step" : "chain", worst);
    if (rec.precision == Precision::Float64 && rec.mode == ReconstructionMode::Step) {
      EXPECT_LT(worst, 1e-9);
    }
  }
  EXPECT_EQ(res.columns[0].alphas[0].channels, 8);

  opts.progress = [](int done, int) { return done < 2; };
  EXPECT_THROW(model.analyze(img, opts), Error);
}

TEST(RevColModelFacade, BadInputsAreErrors) {
  auto model = RevColModel::random(small(), 1);
  FloatArray gray;
  gray.shape = {1, 64, 64};
  gray.values.assign(64 * 64, 0.0f);
  EXPECT_THROW(model.classify(gray), Error);
  FloatArray tiny;
  tiny.shape = {3, 16, 16};
  tiny.values.assign(3 * 16 * 16, 0.0f);
  EXPECT_THROW(model.classify(tiny), Error);
  LoadOptions gpu;
  gpu.device = "tpu";
  EXPECT_THROW(RevColModel::random(small(), 1, gpu), Error);
}

}  // namespace
}  // namespace revcol
