// The studio's per-frame result cache: least recently used first out, within a byte budget.
#include <gtest/gtest.h>

#include "result_cache.h"

using revcol::studio::AnalysisJobResult;
using revcol::studio::ResultCache;

namespace {

// A result holding `floats` feature values (4 bytes each).
std::shared_ptr<const AnalysisJobResult> resultOf(size_t floats) {
  auto r = std::make_shared<AnalysisJobResult>();
  r->input.shape = {int64_t(floats)};
  r->input.values.assign(floats, 1.0f);
  return r;
}

}  // namespace

TEST(ResultCache, EvictsTheLeastRecentlyUsedBeyondTheBudget) {
  const size_t one = ResultCache::bytesOf(*resultOf(1000));
  EXPECT_GE(one, 4000u);
  ResultCache cache(3 * one);
  cache.put("a", resultOf(1000));
  cache.put("b", resultOf(1000));
  cache.put("c", resultOf(1000));
  EXPECT_EQ(cache.size(), 3u);
  ASSERT_TRUE(cache.get("a"));  // "a" is now the most recent: "b" goes first
  cache.put("d", resultOf(1000));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.contains("a"));
  EXPECT_FALSE(cache.contains("b"));
  EXPECT_TRUE(cache.contains("c"));
  EXPECT_TRUE(cache.contains("d"));
  EXPECT_LE(cache.bytes(), cache.budget());
}

TEST(ResultCache, KeepsTheNewestEntryEvenWhenItAloneExceedsTheBudgetAndReplacesSameKey) {
  ResultCache cache(100);
  cache.put("small", resultOf(1));
  cache.put("big", resultOf(10000));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.contains("big"));
  cache.put("big", resultOf(2));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.get("big")->input.values.size(), 2u);
  EXPECT_EQ(cache.get("missing"), nullptr);
  cache.put("", resultOf(1));  // a live frame
  EXPECT_EQ(cache.get(""), nullptr);
  EXPECT_EQ(cache.size(), 1u);
}
