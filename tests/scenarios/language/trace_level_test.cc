#include "scenarios/language/trace_level.h"

#include <gtest/gtest.h>

#include "fakes/sim_network.h"
#include "sim/trace.h"
#include "tests/status_matchers.h"

namespace testplanet::scenario {
namespace {

TEST(TraceLevel, ParsesItsNamesAndRefusesAnythingElse) {
  EXPECT_EQ(ParseTraceLevel("all").value(), TraceLevel::kAll);
  EXPECT_EQ(ParseTraceLevel("chores").value(), TraceLevel::kChores);
  for (const char* bad : {"", "All", "chore", "chores ", "none"}) {
    EXPECT_THAT(ParseTraceLevel(bad).status(), StatusIs(StatusCode::kInvalidArgument)) << bad;
  }
  EXPECT_EQ(TraceLevelName(TraceLevel::kChores), "chores");
  EXPECT_EQ(ParseTraceLevel(TraceLevelName(TraceLevel::kAll)).value(), TraceLevel::kAll);
}

TEST(TraceLevel, ChoresKeepsChoreRunsAndFaultsButNotEveryEvent) {
  EXPECT_TRUE(KeepsKind(TraceLevel::kChores, trace_kinds::kCycleRunBegin.id));
  EXPECT_TRUE(KeepsKind(TraceLevel::kChores, trace_kinds::kCycleTickDropped.id));
  EXPECT_TRUE(KeepsKind(TraceLevel::kChores, trace_kinds::kLifecycleItemExit.id));
  EXPECT_TRUE(KeepsKind(TraceLevel::kChores, fakes::net_kinds::kFault.id));
  EXPECT_FALSE(KeepsKind(TraceLevel::kChores, trace_kinds::kEvent.id));
  EXPECT_FALSE(KeepsKind(TraceLevel::kChores, fakes::net_kinds::kMessage.id));
  EXPECT_FALSE(KeepsKind(TraceLevel::kChores, fakes::net_kinds::kStreamOpen.id));
  EXPECT_TRUE(KeepsKind(TraceLevel::kChores, StableHash("no.such.kind")))
      << "a kind this build does not know is kept, not lost";
  EXPECT_TRUE(KeepsKind(TraceLevel::kAll, trace_kinds::kEvent.id));
}

}  // namespace
}  // namespace testplanet::scenario
