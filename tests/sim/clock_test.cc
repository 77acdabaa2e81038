#include "sim/clock.h"

#include <gtest/gtest.h>

namespace testplanet {
namespace {

using namespace std::chrono_literals;

TEST(Clock, FormatsDurationsTheWayGoDoes) {
  EXPECT_EQ(FormatDuration(0s), "0s");
  EXPECT_EQ(FormatDuration(1ns), "1ns");
  EXPECT_EQ(FormatDuration(1500ns), "1.5us");
  EXPECT_EQ(FormatDuration(250ms), "250ms");
  EXPECT_EQ(FormatDuration(15s), "15s");
  EXPECT_EQ(FormatDuration(90min), "1h30m0s");
  EXPECT_EQ(FormatDuration(168h), "168h0m0s");
  EXPECT_EQ(FormatDuration(61s + 500ms), "1m1.5s");
  EXPECT_EQ(FormatDuration(-1s), "-1s");
  EXPECT_EQ(FormatDuration(Duration::min()), "-2562047h47m16.854775808s");
}

TEST(Clock, TimeIsAnOffsetFromAFixedEpoch) {
  EXPECT_EQ(FormatTime(TimePoint(36h)), "+36h0m0s");
  EXPECT_EQ(ToUnixNanos(TimePoint(1s)), (kEpochUnixSeconds + 1) * 1'000'000'000);
  static_assert(VirtualClock::is_steady);
  static_assert(std::is_same_v<VirtualClock::period, std::nano>);
}

}  // namespace
}  // namespace testplanet
