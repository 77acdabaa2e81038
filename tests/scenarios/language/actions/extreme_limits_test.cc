// extreme_limits: a satellite refuses order limits outside 1 byte to its maximum.
#include <gtest/gtest.h>

#include "tests/scenarios/language/run_text.h"

namespace testplanet::scenario {
namespace {

TEST(ExtremeLimits, TheSatelliteRefusesEveryOutOfRangeLimit) {
  const RunResult result = RunText(R"(
duration: "10m"
step { at: "1m" extreme_limits { uplink: 0 satellite: 0 } }
step { at: "2m" extreme_limits { uplink: 0 satellite: 0 limits: [ -9223372036854775808, 67108865 ] } }
)");
  EXPECT_TRUE(result.passed()) << Outcomes(result);
  // Each request ran to its answer (a refusal) and none was granted.
  EXPECT_EQ(result.traffic.at("hostile_limit_requests"), 6u);
  EXPECT_EQ(result.faults.at("extreme_limits"), 2u);
}

TEST(ExtremeLimits, AValidLimitIsNotAHostileOne) {
  EXPECT_NE(LoadError(R"(duration: "1h"
step { extreme_limits { limits: [ 4096 ] } })")
                .find("step[0].extreme_limits.limits: 4096 is a valid limit"),
            std::string::npos);
}

}  // namespace
}  // namespace testplanet::scenario
