#include "sim/unique_function.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>

namespace testplanet {
namespace {

TEST(UniqueFunction, HoldsMoveOnlyCallables) {
  auto value = std::make_unique<int>(41);
  UniqueFunction<int(int)> f = [v = std::move(value)](int x) { return *v + x; };
  EXPECT_EQ(f(1), 42);
  UniqueFunction<int(int)> g = std::move(f);
  EXPECT_FALSE(static_cast<bool>(f));  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(g(2), 43);
}

TEST(UniqueFunction, LargeCallablesWorkAndAreDestroyedOnce) {
  auto counter = std::make_shared<int>(0);
  struct Big {
    std::array<char, 200> padding{};
    std::shared_ptr<int> counter;
    int operator()() const { return ++*counter; }
  };
  {
    UniqueFunction<int()> f = Big{{}, counter};
    UniqueFunction<int()> g;
    g = std::move(f);
    EXPECT_EQ(g(), 1);
    EXPECT_EQ(counter.use_count(), 2);
  }
  EXPECT_EQ(counter.use_count(), 1);
}

TEST(UniqueFunction, ResetDestroysTheCallable) {
  auto counter = std::make_shared<int>(0);
  UniqueFunction<void()> f = [counter] {};
  EXPECT_EQ(counter.use_count(), 2);
  f.Reset();
  EXPECT_EQ(counter.use_count(), 1);
  EXPECT_FALSE(static_cast<bool>(f));
}

}  // namespace
}  // namespace testplanet
