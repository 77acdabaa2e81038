// The planet from C++: testplanet::Run, and stopping and starting one peer.
#include <gtest/gtest.h>

#include "scenarios/testplanet_run.h"

namespace testplanet {
namespace {

using namespace std::chrono_literals;

TEST(TestplanetRun, RunsTheBodyOnAStartedPlanet) {
  bool ran = false;
  testplanet::Run(Config{}, [&](Planet& planet) {
    ran = true;
    EXPECT_EQ(planet.storage_nodes().size(), 4u);
    EXPECT_GE(planet.satellites()[0]->overlay().check_ins(), 4u) << "every node checked in";
    ASSERT_TRUE(planet.Upload(0, 0, "b", "o", "data").ok());
  });
  EXPECT_TRUE(ran);
}

TEST(Planet, AStoppedNodeKeepsItsOrdersAndSettlesThemAfterStarting) {
  testplanet::Run(Config{}, [](Planet& planet) {
    for (auto& node : planet.storage_nodes()) node->orders().sender().Pause();
    ASSERT_TRUE(planet.Upload(0, 0, "b", "o", std::string(100, 'x')).ok());
    ASSERT_TRUE(planet.StopStorageNode(2).ok());
    EXPECT_FALSE(planet.StorageNodeRunning(2));
    ASSERT_TRUE(planet.RunFor(1h).ok());
    ASSERT_TRUE(planet.StartStorageNode(2).ok());
    EXPECT_TRUE(planet.StorageNodeRunning(2));
    auto& node = *planet.storage_nodes()[2];
    EXPECT_EQ(node.orders_db().Count()->unsent, 1u) << "the order survived the stop";
    Status settled = node.orders().sender().TriggerWait();
    ASSERT_TRUE(settled.ok()) << settled.ToString();
    EXPECT_EQ(node.orders_db().Count()->accepted, 1u);
    EXPECT_EQ(planet.StopStorageNode(7).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(planet.StartStorageNode(2).code(), StatusCode::kFailedPrecondition);
  });
}

TEST(Planet, DialsToAStoppedNodeAreRefused) {
  testplanet::Run(Config{}, [](Planet& planet) {
    ASSERT_TRUE(planet.StopStorageNode(0).ok());
    auto upload = planet.Upload(0, 0, "b", "o", "x", 4);
    ASSERT_TRUE(upload.ok()) << "three of four nodes are enough";
    EXPECT_EQ(upload->nodes.size(), 3u);
    EXPECT_EQ(upload->failed, 1);
  });
}

}  // namespace
}  // namespace testplanet
