#include "sim/kind_cache.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace testplanet {
namespace {

TEST(KindCache, MakesEachKindOnceAndKeepsKindsThatShareAnEntryApart) {
  KindCache<std::uint64_t> cache;
  std::vector<std::uint64_t> made;
  auto get = [&](std::uint64_t kind) {
    return cache.Get(kind, [&] {
      made.push_back(kind);
      return kind * 10;
    });
  };
  // 1, 17 and 33 fall in the same one of the 16 entries: each evicts the last, and the map
  // behind them answers without making the value again.
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(get(1), 10u);
    EXPECT_EQ(get(17), 170u);
    EXPECT_EQ(get(33), 330u);
    EXPECT_EQ(get(2), 20u);
  }
  EXPECT_EQ(made, (std::vector<std::uint64_t>{1, 17, 33, 2}));
}

TEST(KindCache, ZeroIsAKindLikeAnyOther) {
  KindCache<bool> cache;
  int calls = 0;
  EXPECT_TRUE(cache.Get(0, [&] { return ++calls, true; }));
  EXPECT_TRUE(cache.Get(0, [&] { return ++calls, false; }));
  EXPECT_EQ(calls, 1);
}

TEST(KindCache, ClearForgetsEveryValue) {
  KindCache<bool> cache;
  EXPECT_TRUE(cache.Get(5, [] { return true; }));
  cache.Clear();
  EXPECT_FALSE(cache.Get(5, [] { return false; }));
}

}  // namespace
}  // namespace testplanet
