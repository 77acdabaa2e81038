#include "scenarios/planet/testplanet_run.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace testplanet {

void Run(Config config, const std::function<void(Planet&)>& body) {
  if (const char* seed = std::getenv("TESTPLANET_SEED")) {
    char* end = nullptr;
    const unsigned long long parsed = std::strtoull(seed, &end, 10);
    if (end == seed || *end != '\0') {
      ADD_FAILURE() << "TESTPLANET_SEED=\"" << seed << "\" is not a number";
      return;
    }
    config.seed = parsed;
  }
  std::string test = "?";
  if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info()) {
    test = std::string(info->test_suite_name()) + "." + info->name();
  }
  SCOPED_TRACE("testplanet seed " + std::to_string(config.seed) + "; reproduce: TESTPLANET_SEED=" +
               std::to_string(config.seed) + " <this test binary> --gtest_filter=" + test);
  auto planet = Planet::Create(config);
  ASSERT_TRUE(planet.ok()) << "building the planet: " << planet.status().ToString();
  ASSERT_TRUE((*planet)->Start().ok())
      << "starting the planet: " << (*planet)->sim().status().ToString();
  body(**planet);
  EXPECT_TRUE((*planet)->sim().status().ok())
      << "the simulation failed: " << (*planet)->sim().status().ToString();
  const Status shutdown = (*planet)->Shutdown();
  EXPECT_TRUE(shutdown.ok()) << "shutting down: " << shutdown.ToString();
}

}  // namespace testplanet
