#include "sim/clock.h"

#include <gtest/gtest.h>

#include "tests/status_matchers.h"

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

TEST(Clock, ParsesGoDurations) {
  EXPECT_EQ(ParseDuration("1h30m").value(), 90min);
  EXPECT_EQ(ParseDuration("250ms").value(), 250ms);
  EXPECT_EQ(ParseDuration("1.5s").value(), 1500ms);
  EXPECT_EQ(ParseDuration("-2m").value(), -2min);
  EXPECT_EQ(ParseDuration("0").value(), 0s);
  EXPECT_EQ(ParseDuration("168h").value(), 168h);
  EXPECT_EQ(ParseDuration("1h2m3s4ms5us6ns").value(), 1h + 2min + 3s + 4ms + 5us + 6ns);
  for (const char* bad : {"", "h", "10", "1x", "1.s5", "--1s", "1e9h", "3000000h"}) {
    auto parsed = ParseDuration(bad);
    EXPECT_THAT(parsed, ::testing::Not(IsOk())) << bad;
    if (!parsed.ok()) {
      EXPECT_THAT(parsed, StatusIs(StatusCode::kInvalidArgument));
      EXPECT_NE(parsed.status().message().find("invalid duration"), std::string_view::npos);
    }
  }
  // Formatting and parsing agree.
  for (Duration d : {Duration(90min), Duration(1500ms), Duration(7ns), Duration(168h)}) {
    EXPECT_EQ(ParseDuration(FormatDuration(d)).value(), d);
  }
}

TEST(Clock, TimeIsAnOffsetFromAFixedEpoch) {
  EXPECT_EQ(FormatTime(TimePoint(36h)), "+36h0m0s");
  EXPECT_EQ(ToUnixNanos(TimePoint(1s)), (kEpochUnixSeconds + 1) * 1'000'000'000);
  static_assert(VirtualClock::is_steady);
  static_assert(std::is_same_v<VirtualClock::period, std::nano>);
}

}  // namespace
}  // namespace testplanet
