#include "sim/event_heap.h"

#include <gtest/gtest.h>

#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "sim/random.h"

namespace testplanet {
namespace {

using Reference =
    std::priority_queue<std::pair<std::int64_t, std::uint64_t>,
                        std::vector<std::pair<std::int64_t, std::uint64_t>>, std::greater<>>;

TEST(EventHeap, PopsInTimeThenKeyOrderUnderRandomPushesAndPops) {
  RandomStream rng(2024);
  EventHeap heap;
  Reference reference;
  std::uint64_t key = 0;
  for (int step = 0; step < 20000; ++step) {
    if (reference.empty() || rng.Below(3) != 0) {
      const auto time = static_cast<std::int64_t>(rng.Below(50));  // many ties
      heap.Push({time, ++key});
      reference.emplace(time, key);
    } else {
      ASSERT_EQ(heap.top().time, reference.top().first);
      ASSERT_EQ(heap.top().key, reference.top().second);
      heap.Pop();
      reference.pop();
    }
    ASSERT_EQ(heap.size(), reference.size());
  }
  while (!reference.empty()) {
    ASSERT_EQ(heap.top().key, reference.top().second);
    heap.Pop();
    reference.pop();
  }
  EXPECT_TRUE(heap.empty());
}

TEST(EventHeap, EraseIfKeepsTheRestInOrder) {
  RandomStream rng(7);
  EventHeap heap;
  for (std::uint64_t key = 1; key <= 1000; ++key) {
    heap.Push({static_cast<std::int64_t>(rng.Below(100)), key});
  }
  heap.EraseIf([](const HeapEntry& e) { return e.key % 3 == 0; });
  EXPECT_EQ(heap.size(), 667u);
  HeapEntry previous{-1, 0};
  while (!heap.empty()) {
    const HeapEntry e = heap.top();
    EXPECT_NE(e.key % 3, 0u);
    EXPECT_TRUE(EventHeap::Before(previous, e));
    previous = e;
    heap.Pop();
  }
}

}  // namespace
}  // namespace testplanet
