#include "sim/parking_lot.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace testplanet {
namespace {

// Runs `on_destroy` when the continuation holding it is destroyed.
struct Guard {
  std::function<void()> on_destroy;
  explicit Guard(std::function<void()> f) : on_destroy(std::move(f)) {}
  ~Guard() {
    if (on_destroy) on_destroy();
  }
};

UniqueFunction<void(int)> Holding(std::function<void()> on_destroy, int* calls = nullptr) {
  auto guard = std::make_shared<Guard>(std::move(on_destroy));
  return [guard, calls](int n) {
    if (calls != nullptr) *calls += n;
  };
}

TEST(ParkingLot, AnIdFindsNothingOnceItsSlotHasAnotherTenant) {
  ParkingLot lot;
  int calls = 0;
  const ParkingLot::Id first = lot.Park(Holding({}, &calls));
  ASSERT_TRUE(static_cast<bool>(lot.Unpark<void(int)>(first)));
  const ParkingLot::Id second = lot.Park(Holding({}, &calls));  // the same slot, reused
  EXPECT_NE(first, second);
  EXPECT_FALSE(static_cast<bool>(lot.Unpark<void(int)>(first)));
  lot.Discard(first);
  EXPECT_EQ(lot.size(), 1u) << "a stale id discarded its slot's new tenant";
  auto continuation = lot.Unpark<void(int)>(second);
  ASSERT_TRUE(static_cast<bool>(continuation));
  continuation(3);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(lot.size(), 0u);
}

TEST(ParkingLot, ClearDestroysInParkOrderAndWhatItEndsFindsNothing) {
  std::vector<std::string> destroyed;
  ParkingLot::Id c = 0, d = 0;
  bool found_from_b = true;
  {
    ParkingLot lot;
    const ParkingLot::Id a = lot.Park(Holding([&] { destroyed.push_back("a"); }));
    lot.Park(Holding([&] {
      destroyed.push_back("b");
      // As when the lot was a map moved away whole: the others are out of it already.
      lot.Discard(c);
      found_from_b = static_cast<bool>(lot.Unpark<void(int)>(d));
    }));
    c = lot.Park(Holding([&] { destroyed.push_back("c"); }));
    lot.Unpark<void(int)>(a);                                  // destroys a's continuation now
    d = lot.Park(Holding([&] { destroyed.push_back("d"); }));  // takes a's slot, the first
    EXPECT_EQ(destroyed, (std::vector<std::string>{"a"}));
    lot.Clear();
    EXPECT_EQ(lot.size(), 0u);
  }
  EXPECT_EQ(destroyed, (std::vector<std::string>{"a", "b", "c", "d"})) << "by park order";
  EXPECT_FALSE(found_from_b);
}

TEST(ParkingLot, ADiscardedContinuationMayParkAnother) {
  int destroyed = 0;
  {
    ParkingLot lot;
    const ParkingLot::Id first = lot.Park(Holding([&] {
      ++destroyed;
      lot.Park(Holding([&] { ++destroyed; }));
    }));
    lot.Discard(first);
    EXPECT_EQ(destroyed, 1);
    EXPECT_EQ(lot.size(), 1u) << "the continuation parked while the first was destroyed";
  }
  EXPECT_EQ(destroyed, 2) << "the lot's destructor ends what is left";
}

TEST(ParkingLot, ThousandsParkedAtOnceEachComeBack) {
  ParkingLot lot;
  std::vector<ParkingLot::Id> ids;
  int calls = 0;
  for (int i = 0; i < 3000; ++i) ids.push_back(lot.Park(Holding({}, &calls)));
  EXPECT_EQ(lot.size(), 3000u);
  for (std::size_t i = 0; i < ids.size(); i += 2) lot.Discard(ids[i]);
  for (std::size_t i = 1; i < ids.size(); i += 2) {
    auto continuation = lot.Unpark<void(int)>(ids[i]);
    ASSERT_TRUE(static_cast<bool>(continuation)) << i;
    continuation(1);
  }
  EXPECT_EQ(calls, 1500);
  EXPECT_EQ(lot.size(), 0u);
}

}  // namespace
}  // namespace testplanet
