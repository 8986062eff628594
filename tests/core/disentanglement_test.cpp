// CkaCollector: the heat maps equal linear CKA computed on the stacked batches directly.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "revcol/cka.h"
#include "revcol/disentanglement.h"
#include "revcol/error.h"

using namespace revcol;

namespace {

FloatArray randomArray(std::vector<int64_t> shape, std::mt19937& rng) {
  FloatArray a;
  a.shape = shape;
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  std::normal_distribution<float> d;
  for (int64_t i = 0; i < n; ++i) a.values.push_back(d(rng));
  return a;
}

FloatArray stack(const std::vector<FloatArray>& rows) {
  FloatArray b;
  b.shape = {int64_t(rows.size()), int64_t(rows.front().values.size())};
  for (const FloatArray& r : rows) b.values.insert(b.values.end(), r.values.begin(), r.values.end());
  return b;
}

}  // namespace

TEST(CkaCollector, HeatmapsEqualCkaOfTheStackedBatches) {
  std::mt19937 rng(7);
  CkaCollector collector;
  std::vector<FloatArray> inputs;
  std::vector<std::vector<std::array<FloatArray, 4>>> features;  // [image][column][level]
  std::vector<int64_t> labels;
  for (int i = 0; i < 9; ++i) {
    FloatArray input = randomArray({3, 8, 8}, rng);
    AnalysisResult a;
    for (int c = 0; c < 3; ++c) {
      ColumnAnalysis col;
      col.column = c;
      for (int l = 0; l < 4; ++l) col.levels[size_t(l)] = randomArray({4 << l, 4 >> (l / 2), 4 >> (l / 2)}, rng);
      a.columns.push_back(col);
    }
    a.columns[0].levels[0] = input;  // column 0, level 0 is the input itself: CKA 1
    ASSERT_TRUE(collector.add(input, a, i % 3));
    inputs.push_back(input);
    features.push_back({});
    for (const ColumnAnalysis& col : a.columns) features.back().push_back(col.levels);
    labels.push_back(i % 3);
  }
  EXPECT_EQ(collector.images(), 9);
  const DisentanglementResult r = collector.compute();
  ASSERT_EQ(r.vs_input.values.size(), 3u);
  ASSERT_TRUE(r.vs_labels.has_value());
  EXPECT_EQ(r.label_classes, 3);
  EXPECT_NEAR(r.vs_input.values[0][0], 1.0, 1e-12);
  const CkaTarget by_label = CkaTarget::fromLabels(labels, 3);
  for (size_t c = 0; c < 3; ++c)
    for (size_t l = 0; l < 4; ++l) {
      std::vector<FloatArray> rows;
      for (const auto& image : features) rows.push_back(image[c][l]);
      const FloatArray batch = stack(rows);
      EXPECT_NEAR(r.vs_input.values[c][l], linearCka(stack(inputs), batch), 1e-12) << c << "," << l;
      EXPECT_NEAR(r.vs_labels->values[c][l], by_label.cka(batch), 1e-12) << c << "," << l;
    }
}

TEST(CkaCollector, BudgetMismatchesTooFewImagesAndMissingLabels) {
  std::mt19937 rng(3);
  auto analysis = [&rng](int columns) {
    AnalysisResult a;
    for (int c = 0; c < columns; ++c) {
      ColumnAnalysis col;
      for (int l = 0; l < 4; ++l) col.levels[size_t(l)] = randomArray({2, 2, 2}, rng);
      a.columns.push_back(col);
    }
    return a;
  };
  // Each image holds 12 + 2 * 4 * 8 = 76 floats: a budget of 3 images takes three, refuses the fourth.
  CkaCollector small(3 * 76 * sizeof(float));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(small.add(randomArray({3, 2, 2}, rng), analysis(2)));
  EXPECT_FALSE(small.add(randomArray({3, 2, 2}, rng), analysis(2)));
  EXPECT_EQ(small.images(), 3);
  EXPECT_THROW(small.compute(), Error);                                      // 3 < 4 images
  EXPECT_THROW(small.add(randomArray({3, 4, 4}, rng), analysis(2)), Error);  // another input size
  EXPECT_THROW(small.add(randomArray({3, 2, 2}, rng), analysis(3)), Error);  // another model

  CkaCollector unlabeled;
  for (int i = 0; i < 5; ++i) unlabeled.add(randomArray({3, 2, 2}, rng), analysis(2), i == 2 ? -1 : i % 2);
  const DisentanglementResult r = unlabeled.compute();
  EXPECT_FALSE(r.vs_labels.has_value());  // one image has no label
  EXPECT_EQ(r.vs_input.values.size(), 2u);
}
