// The reversible backward (train/reversible_column.cpp) against ordinary autograd on the same
// network: every parameter gradient (alphas included) and the input gradient must agree. In
// float64, so the only differences left are the rounding of the feature inversion.
#include <gtest/gtest.h>

#include "nn/weights.h"
#include "train/column_forward.h"

namespace revcol::train {
namespace {

Architecture smallClassifier(int columns) {
  Architecture a;
  a.channels = {8, 16, 24, 32};
  a.layers = {1, 2, 1, 1};
  a.columns = columns;
  a.num_classes = 5;
  a.head = HeadKind::IntermediateSupervision;
  a.num_heads = 4;
  a.decoder = DecoderKind::Decoder;
  a.num_decoders = 3;
  return a;
}

// A loss that reaches every output: heads, decoders and all four levels of the last column.
torch::Tensor probeLoss(const TrainForward& out) {
  torch::manual_seed(11);
  torch::Tensor loss = torch::zeros({}, torch::kFloat64);
  for (const auto& t : out.logits) loss = loss + (t * torch::randn_like(t)).sum();
  for (const auto& t : out.images) loss = loss + (t * torch::randn_like(t)).sum();
  for (const auto& t : out.last) loss = loss + (t * torch::randn_like(t)).sum();
  return loss;
}

std::map<std::string, torch::Tensor> gradients(RevColNetImpl& net, const torch::Tensor& input, bool reversible,
                                               torch::Tensor* input_grad) {
  net.zero_grad();
  const torch::Tensor x = input.detach().clone().requires_grad_(true);
  probeLoss(trainForward(net, x, reversible)).backward();
  std::map<std::string, torch::Tensor> g;
  for (const auto& p : net.named_parameters())
    g[p.key()] = p.value().grad().defined() ? p.value().grad().clone() : torch::zeros_like(p.value());
  *input_grad = x.grad().clone();
  return g;
}

void expectSameGradients(int columns) {
  RevColNet net(smallClassifier(columns));
  randomizeWeights(*net, 5);  // gammas and alphas far from their init, some alphas negative
  net->to(torch::kFloat64);
  net->train();
  torch::manual_seed(3);
  const torch::Tensor input = torch::randn({2, 3, 64, 64}, torch::kFloat64);
  torch::Tensor gx_plain, gx_rev;
  const auto plain = gradients(*net, input, false, &gx_plain);
  const auto reversible = gradients(*net, input, true, &gx_rev);
  ASSERT_EQ(plain.size(), reversible.size());
  int compared = 0;
  for (const auto& [name, g] : plain) {
    const torch::Tensor& r = reversible.at(name);
    const double scale = std::max(1e-12, g.abs().max().item<double>());
    EXPECT_LE((g - r).abs().max().item<double>() / scale, 1e-9) << name;
    if (name.find("alpha") != std::string::npos && name.rfind("subnet0.", 0) != 0) {
      EXPECT_GT(g.abs().max().item<double>(), 0.0) << name << ": alpha gradient should not vanish";
    }
    ++compared;
  }
  EXPECT_GT(compared, 100);
  EXPECT_LE((gx_plain - gx_rev).abs().max().item<double>() / gx_plain.abs().max().item<double>(), 1e-9);
}

TEST(ReversibleBackward, EqualsOrdinaryAutogradWithFourColumns) { expectSameGradients(4); }

TEST(ReversibleBackward, EqualsOrdinaryAutogradWithEightColumns) { expectSameGradients(8); }

TEST(ReversibleBackward, ForwardValuesEqualTheModulesForward) {
  RevColNet net(smallClassifier(4));
  randomizeWeights(*net, 6);
  torch::manual_seed(4);
  const torch::Tensor input = torch::randn({1, 3, 64, 64});
  const TrainForward a = trainForward(*net, input, false), b = trainForward(*net, input, true);
  for (size_t l = 0; l < 4; ++l) EXPECT_TRUE(torch::equal(a.last[l], b.last[l])) << "level " << l;
}

}  // namespace
}  // namespace revcol::train
