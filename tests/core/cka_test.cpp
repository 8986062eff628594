// Linear CKA against the official tools/visual.py (values in tests/data/cka/expected.json, made by
// make_cka_fixtures.py running the official functions), plus the properties CKA must have.
// Tolerances: 1e-9 relative against the official code run on float64 copies of the inputs; 1e-4
// relative against the official code as it really runs (float32 Gram matrices; measured worst
// 1.9e-5, the "offset" case where float32 cancellation hurts the official numbers).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "revcol/cka.h"
#include "revcol/error.h"

namespace {

using revcol::FloatArray;

nlohmann::json loadExpected() {
  std::ifstream in(std::string(REVCOL_TEST_DATA) + "/cka/expected.json");
  EXPECT_TRUE(in.good());
  return nlohmann::json::parse(in);
}

FloatArray arrayFrom(const nlohmann::json& shape, const nlohmann::json& values) {
  FloatArray a;
  a.shape = shape.get<std::vector<int64_t>>();
  for (double v : values) a.values.push_back(static_cast<float>(v));  // exact: they are float32 values
  EXPECT_EQ(a.numel(), static_cast<int64_t>(a.values.size()));
  return a;
}

FloatArray randomBatch(std::vector<int64_t> shape, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist;
  FloatArray a;
  a.shape = std::move(shape);
  a.values.resize(static_cast<size_t>(a.numel()));
  for (float& v : a.values) v = dist(gen);
  return a;
}

// Rows of x (n x p) times a p x p random orthogonal matrix (Gram-Schmidt), in double.
FloatArray rotate(const FloatArray& x, unsigned seed) {
  const int64_t n = x.shape[0], p = x.numel() / n;
  std::mt19937 gen(seed);
  std::normal_distribution<double> dist;
  std::vector<double> q(static_cast<size_t>(p * p));
  for (double& v : q) v = dist(gen);
  for (int64_t i = 0; i < p; ++i) {  // orthonormalise the rows of q
    for (int64_t j = 0; j < i; ++j) {
      double d = 0;
      for (int64_t k = 0; k < p; ++k) d += q[i * p + k] * q[j * p + k];
      for (int64_t k = 0; k < p; ++k) q[i * p + k] -= d * q[j * p + k];
    }
    double norm = 0;
    for (int64_t k = 0; k < p; ++k) norm += q[i * p + k] * q[i * p + k];
    for (int64_t k = 0; k < p; ++k) q[i * p + k] /= std::sqrt(norm);
  }
  FloatArray out;
  out.shape = {n, p};
  out.values.resize(static_cast<size_t>(n * p));
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < p; ++c) {
      double s = 0;
      for (int64_t k = 0; k < p; ++k) s += x.values[r * p + k] * q[k * p + c];
      out.values[r * p + c] = static_cast<float>(s);
    }
  return out;
}

}  // namespace

TEST(Cka, MatchesTheOfficialVisualPy) {
  const nlohmann::json expected = loadExpected();
  ASSERT_GE(expected["cases"].size(), 5u);
  for (const auto& [name, c] : expected["cases"].items()) {
    SCOPED_TRACE(name);
    const FloatArray x = arrayFrom(c["x_shape"], c["x"]);
    const double want64 = c["official_f64"], want32 = c["official_f32"];
    double got = 0;
    if (c.contains("labels")) {
      got = revcol::CkaTarget::fromLabels(c["labels"].get<std::vector<int64_t>>()).cka(x);
    } else {
      const FloatArray y = arrayFrom(c["y_shape"], c["y"]);
      got = revcol::linearCka(x, y);
      if (name == "features_vs_images") {
        EXPECT_NEAR(revcol::CkaTarget::fromImages(y).cka(x), got, 1e-15);
      }
    }
    EXPECT_NEAR(got, want64, 1e-9 * std::fabs(want64));
    EXPECT_NEAR(got, want32, 1e-4 * std::fabs(want64));
  }
}

TEST(Cka, OneHotGramEqualsTheGramOfTheOneHotRows) {
  const std::vector<int64_t> labels = {3, 0, 3, 9, 1, 0};
  FloatArray rows;
  rows.shape = {6, 10};
  for (int64_t y : labels)
    for (int64_t c = 0; c < 10; ++c) rows.values.push_back(c == y ? 1.0f + 1e-6f : 1e-6f);
  const revcol::GramMatrix a = revcol::oneHotGram(labels, 10), b = revcol::linearGram(rows);
  ASSERT_EQ(a.n, 6);
  for (size_t i = 0; i < a.values.size(); ++i) EXPECT_NEAR(a.values[i], b.values[i], 1e-15) << i;
  EXPECT_THROW(revcol::oneHotGram({0, 10}, 10), revcol::Error);
  EXPECT_THROW(revcol::oneHotGram({-1}, 10), revcol::Error);
}

TEST(Cka, IsOneWithItselfAndInvariantToRotationAndScale) {
  const FloatArray x = randomBatch({12, 3, 2, 3}, 1);
  EXPECT_NEAR(revcol::linearCka(x, x), 1.0, 1e-12);
  const FloatArray y = randomBatch({12, 7}, 2);
  const double base = revcol::linearCka(x, y);
  EXPECT_NEAR(revcol::linearCka(y, x), base, 1e-12);  // symmetric
  // Orthogonal transform of the features (float32 rounding of the rotated values limits this).
  EXPECT_NEAR(revcol::linearCka(rotate(x, 3), y), base, 1e-6);
  // Isotropic scaling.
  FloatArray scaled = x;
  for (float& v : scaled.values) v *= 8.0f;  // a power of two: exact in float32
  EXPECT_NEAR(revcol::linearCka(scaled, y), base, 1e-12);
  FloatArray scaled2 = x;
  for (float& v : scaled2.values) v *= 0.37f;
  EXPECT_NEAR(revcol::linearCka(scaled2, y), base, 1e-6);
  // Range.
  EXPECT_LE(std::fabs(base), 1.0);
}

TEST(Cka, SmallOrMismatchedBatchesAreClearErrors) {
  try {
    revcol::linearCka(randomBatch({3, 5}, 1), randomBatch({3, 2}, 2));
    FAIL() << "expected revcol::Error";
  } catch (const revcol::Error& e) {
    EXPECT_NE(std::string(e.what()).find("at least 4 examples"), std::string::npos) << e.what();
  }
  try {
    revcol::linearCka(randomBatch({6, 5}, 1), randomBatch({7, 2}, 2));
    FAIL() << "expected revcol::Error";
  } catch (const revcol::Error& e) {
    EXPECT_NE(std::string(e.what()).find("6"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("7"), std::string::npos) << e.what();
  }
  const revcol::CkaTarget labels = revcol::CkaTarget::fromLabels({1, 2, 3, 4, 1});
  EXPECT_EQ(labels.batchSize(), 5);
  EXPECT_THROW(labels.cka(randomBatch({4, 3}, 3)), revcol::Error);
  EXPECT_THROW(revcol::linearGram(FloatArray{}), revcol::Error);
}

TEST(Cka, ConstantFeaturesGiveNaN) {
  FloatArray x;
  x.shape = {6, 4};
  x.values.assign(24, 0.5f);
  EXPECT_TRUE(std::isnan(revcol::linearCka(x, randomBatch({6, 3}, 4))));
}

TEST(Cka, WideFeaturesSpanSeveralGramBlocks) {
  // 20000 features per example: three blocks of the blocked Gram product.
  const FloatArray x = randomBatch({5, 20000}, 5);
  const revcol::GramMatrix g = revcol::linearGram(x);
  for (int64_t i = 0; i < 5; ++i)
    for (int64_t j = 0; j < 5; ++j) {
      double s = 0;
      for (int64_t k = 0; k < 20000; ++k)
        s += static_cast<double>(x.values[i * 20000 + k]) * static_cast<double>(x.values[j * 20000 + k]);
      EXPECT_NEAR(g.values[i * 5 + j], s, 1e-9 * std::fabs(s) + 1e-9);
    }
}
