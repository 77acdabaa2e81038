// Faults the planet's peers see: skewed clocks deciding expiry, and the network's fault
// vocabulary on the order path.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/gtest/testplanet_run.h"
#include "tests/status_matchers.h"

namespace testplanet {
namespace {

using namespace std::chrono_literals;

TEST(ClockSkew, ANodeWhoseClockRunsDaysFastRefusesFreshOrderLimits) {
  testplanet::Run(Config{}, [](Planet& planet) {
    auto& fast = *planet.storage_nodes()[0];
    planet.sim().SetClockSkew(fast.peer(), 8 * 24h, 0);  // limits expire after 7 days
    auto upload = planet.Upload(0, 0, "b", "o", std::string(10, 'x'));
    ASSERT_THAT(upload, IsOk());
    EXPECT_EQ(upload->failed, 1) << "the fast node judged the limit expired";
    EXPECT_EQ(fast.orders_db().Count()->unsent, 0u);
    EXPECT_EQ(planet.storage_nodes()[1]->orders_db().Count()->unsent, 1u);
  });
}

TEST(ClockSkew, ASatelliteWhoseClockRunsFastRejectsOrdersAsExpired) {
  testplanet::Run(Config{}, [](Planet& planet) {
    auto& node = *planet.storage_nodes()[0];
    node.orders().sender().Pause();
    ASSERT_THAT(planet.Upload(0, 0, "b", "o", std::string(10, 'x')), IsOk());
    planet.sim().SetClockSkew(planet.satellites()[0]->peer(), 8 * 24h, 0);
    ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
    EXPECT_EQ(node.orders_db().Count()->rejected, 1u);
    EXPECT_EQ(*planet.satellites()[0]->orders().NodeSettled(node.id()), 0);
  });
}

TEST(NetworkFaults, DroppedSettlementMessagesLeaveOrdersUnsentUntilALaterCycle) {
  testplanet::Run(Config{}, [](Planet& planet) {
    auto& node = *planet.storage_nodes()[0];
    node.orders().sender().Pause();
    for (int i = 0; i < 4; ++i) {
      ASSERT_THAT(planet.Upload(0, 0, "b", "o" + std::to_string(i), std::string(10, 'x')), IsOk());
    }
    planet.network().SetMessageFaults(node.address(), fakes::MessageFaults{.drop = 0.5});
    ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
    const auto after_lossy = *node.orders_db().Count();
    EXPECT_GT(planet.network().faults_fired().at("drop"), 0u);
    EXPECT_GT(after_lossy.unsent, 0u) << "orders whose request or answer was lost wait";
    planet.network().ClearFaults();
    ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
    const auto settled = *node.orders_db().Count();
    EXPECT_EQ(settled.unsent, 0u);
    EXPECT_EQ(settled.accepted + settled.rejected, 4u);
    EXPECT_EQ(*planet.satellites()[0]->orders().NodeSettled(node.id()), 40)
        << "each order counted once, whether its first answer arrived or not";
  });
}

}  // namespace
}  // namespace testplanet
