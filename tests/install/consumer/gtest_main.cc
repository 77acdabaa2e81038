// Uses the installed testplanet::gtest as a user's test suite would; the test fails on purpose,
// and install_test.sh checks that it left a run directory with report.html.
#include <gtest/gtest.h>

#include "scenarios/gtest/testplanet_run.h"

TEST(Consumer, FailsOnPurpose) {
  testplanet::Run(testplanet::Config{}, [](testplanet::Planet& planet) {
    EXPECT_EQ(planet.storage_nodes().size(), 5u) << "on purpose: the default planet has 4";
  });
}
