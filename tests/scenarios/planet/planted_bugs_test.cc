// Planted bugs are chosen by name and go around hooks already there; an unknown name is refused.
#include "scenarios/planet/planted_bugs.h"

#include <gtest/gtest.h>

#include "tests/status_matchers.h"

namespace testplanet {
namespace {

TEST(PlantedBugs, AnUnknownNameIsRefusedWithTheNamesThereAre) {
  Config config;
  const Status s = PlantBug("bit-rot", config);
  EXPECT_THAT(s, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_NE(s.message().find("no planted bug \"bit-rot\" (there are: archive-before-answer,"),
            std::string_view::npos)
      << s.ToString();
  EXPECT_THAT(PlantBug("", config), IsOk());
  EXPECT_THAT(PlantBug("none", config), IsOk());
}

TEST(PlantedBugs, ABugGoesInsideTheHooksAlreadyThere) {
  Config config;
  int user_hook_calls = 0;
  config.reconfigure_storage_node = [&](int, storagenode::Config& node) {
    ++user_hook_calls;
    node.orders.archive_ttl = std::chrono::hours(3);
  };
  ASSERT_THAT(PlantBug("cleanup-strict-boundary", config), IsOk());
  storagenode::Config node;
  config.reconfigure_storage_node(0, node);
  EXPECT_EQ(user_hook_calls, 1);
  EXPECT_EQ(node.orders.archive_ttl, std::chrono::hours(3));
  EXPECT_TRUE(static_cast<bool>(node.wrap_orders_db)) << "the bug wraps the orders DB";
}

TEST(PlantedBugs, EveryBugHasADescription) {
  for (const PlantedBug& bug : PlantedBugs()) {
    EXPECT_FALSE(bug.area.empty()) << bug.name;
    EXPECT_FALSE(bug.what.empty()) << bug.name;
    EXPECT_NE(bug.install, nullptr) << bug.name;
  }
}

}  // namespace
}  // namespace testplanet
