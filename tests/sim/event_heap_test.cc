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

// Pops every entry left, each the one the reference pops, until both are empty.
void DrainsInTheReferencesOrder(EventHeap& heap, Reference& reference) {
  while (!reference.empty()) {
    ASSERT_EQ(heap.top().key, reference.top().second);
    heap.Pop();
    reference.pop();
  }
  EXPECT_TRUE(heap.empty());
}

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
  DrainsInTheReferencesOrder(heap, reference);
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

// The simulator's pattern: times never below the last one popped, delays from zero (a tie with
// the current instant) to days, and tens of thousands pending, so that buckets overflow the near
// heap and are spread, and pushes land in the range a refill has just moved.
TEST(EventHeap, MatchesAReferenceUnderMonotonePushesAtEveryScale) {
  RandomStream rng(99);
  EventHeap heap;
  Reference reference;
  std::uint64_t key = 0;
  std::int64_t now = 0;
  for (int round = 0; round < 6; ++round) {
    const int pushes = round % 2 == 0 ? 40000 : 300;
    for (int i = 0; i < pushes; ++i) {
      const std::int64_t scale = std::int64_t{1} << rng.Below(47);
      const auto time =
          now + static_cast<std::int64_t>(rng.Below(static_cast<std::uint64_t>(scale)));
      heap.Push({time, ++key});
      reference.emplace(time, key);
    }
    const std::size_t pops = reference.size() / 2 + 1;
    for (std::size_t i = 0; i < pops && !reference.empty(); ++i) {
      ASSERT_EQ(heap.top().time, reference.top().first);
      ASSERT_EQ(heap.top().key, reference.top().second);
      now = heap.top().time;
      heap.Pop();
      reference.pop();
      if (rng.Below(4) == 0) {  // an event that schedules another, often at the same instant
        const auto time = now + static_cast<std::int64_t>(rng.Below(3) == 0 ? 0 : rng.Below(1000));
        heap.Push({time, ++key});
        reference.emplace(time, key);
      }
    }
    ASSERT_EQ(heap.size(), reference.size());
  }
  DrainsInTheReferencesOrder(heap, reference);
}

// Reading the top may move entries into the near heap and raise its floor; a push below that
// floor afterwards (the simulator clamps to now, which can be earlier) still comes out first.
TEST(EventHeap, APushBelowWhatTheTopMovedComesOutFirst) {
  EventHeap heap;
  for (std::uint64_t key = 1; key <= 2000; ++key) {
    heap.Push({static_cast<std::int64_t>(1'000'000 + key * 1000), key});
  }
  EXPECT_EQ(heap.top().key, 1u);
  heap.Push({5, 5000});
  heap.Push({1'000'500, 5001});
  EXPECT_EQ(heap.top().key, 5000u);
  heap.Pop();
  EXPECT_EQ(heap.top().key, 5001u);
  heap.Pop();
  for (std::uint64_t key = 1; key <= 2000; ++key) {
    ASSERT_EQ(heap.top().key, key);
    heap.Pop();
  }
  EXPECT_TRUE(heap.empty());
}

}  // namespace
}  // namespace testplanet
