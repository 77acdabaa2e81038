// A GoogleTest that fails on purpose, for failing_run_test.sh: testplanet::Run must leave a run
// directory for it and print the command that reproduces it. Not part of the suite on its own.
#include <gtest/gtest.h>

#include "scenarios/gtest/testplanet_run.h"

namespace {

TEST(FailingOnPurpose, SettlesOneOrderButExpectsTwo) {
  testplanet::Run(testplanet::Config{}, [](testplanet::Planet& planet) {
    auto& node = *planet.storage_nodes()[0];
    ASSERT_TRUE(planet.Upload(0, 0, "bucket", "object", std::string(4096, 'x')).ok());
    ASSERT_TRUE(node.orders().sender().TriggerWait().ok());
    EXPECT_EQ(node.orders_db().Count()->accepted, 2u) << "on purpose: one order was made";
  });
}

TEST(FailingOnPurpose, Passes) {
  testplanet::Run(testplanet::Config{},
                  [](testplanet::Planet& planet) { EXPECT_EQ(planet.storage_nodes().size(), 4u); });
}

}  // namespace
