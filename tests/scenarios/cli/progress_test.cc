// The progress line's words: where the run is, its pace and the time left, from two samples.
#include "scenarios/cli/progress.h"

#include <gtest/gtest.h>

namespace testplanet::cli {
namespace {

using namespace std::chrono_literals;

scenario::RunProgress At(Duration now, std::uint64_t events) {
  return {TimePoint(now), TimePoint(24h), events};
}

TEST(DescribeProgress, SaysWhereTheRunIsItsPaceAndTheTimeLeft) {
  // 6 virtual hours in 10 s: the 12 hours left take 20 s.
  EXPECT_EQ(DescribeProgress("week", At(6h, 1000), At(12h + 500ms, 2'501'000), 10),
            "week: 12h0m0s of 24h0m0s virtual (50%), 2.5M events, 250.0k events/s, about 20s "
            "left");
}

TEST(DescribeProgress, WithoutPaceSaysOnlyWhereTheRunIs) {
  EXPECT_EQ(DescribeProgress("n", At(1h, 10), At(1h, 10), 0),
            "n: 1h0m0s of 24h0m0s virtual (4%), 10 events");
  // Virtual time stood still (all events at one instant): a pace, but no estimate.
  EXPECT_EQ(DescribeProgress("n", At(1h, 10), At(1h, 510), 2),
            "n: 1h0m0s of 24h0m0s virtual (4%), 510 events, 250 events/s");
}

TEST(DescribeProgress, ForecastsNothingFromAWindowInsideABurst) {
  // 25,000 nodes checking in at the top of the hour: a quarter of a virtual second in 5 s would
  // forecast 4 days for the 23 hours left.
  EXPECT_EQ(DescribeProgress("n", At(1h, 600'000), At(1h + 250ms, 632'800), 5),
            "n: 1h0m0s of 24h0m0s virtual (4%), 632.8k events, 6.6k events/s");
  // Once the window spans 2% of the rest of the run (28 of 1,380 virtual minutes), it does.
  EXPECT_EQ(DescribeProgress("n", At(1h, 600'000), At(1h + 28min, 900'000), 7),
            "n: 1h28m0s of 24h0m0s virtual (6%), 900.0k events, 42.9k events/s, about 5m38s "
            "left");
}

}  // namespace
}  // namespace testplanet::cli
