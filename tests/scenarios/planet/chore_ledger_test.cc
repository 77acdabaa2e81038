// The chore ledger counts runs from the trace and holds every chore to the Cycle contract, as
// asked of it through the planet.
#include "scenarios/planet/chore_ledger.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/cycle.h"

namespace testplanet {
namespace {

using namespace std::chrono_literals;

constexpr PeerId kPeer = 3;
constexpr std::uint64_t kChore = 77;

class ChoreLedgerTest : public ::testing::Test {
 protected:
  ChoreLedgerTest()
      : ledger_([this](const std::string& what) { violations_.push_back(what); },
                [](PeerId, std::uint64_t) { return std::string("storagenode0 orders.sender"); }) {
    ledger_.Started(kPeer, {{kChore, 10s}}, TimePoint{});
  }
  void Record(Duration at, const TraceKind& kind, std::uint64_t b = 0, std::uint64_t c = 0) {
    ledger_.OnRecord(TraceRecord{at.count(), 0, kPeer, kind.id, kChore, b, c});
  }
  void Begin(Duration at, CycleRunReason reason) {
    Record(at, trace_kinds::kCycleRunBegin, static_cast<std::uint64_t>(reason));
  }
  void End(Duration at) { Record(at, trace_kinds::kCycleRunEnd); }
  void Control(Duration at, ChoreOp op, Duration interval = {}) {
    Record(at, chore_kinds::kControl, static_cast<std::uint64_t>(op),
           static_cast<std::uint64_t>(interval.count()));
  }

  std::vector<std::string> violations_;
  ChoreLedger ledger_;
};

TEST_F(ChoreLedgerTest, CountsRunsByReasonAndTheLatestStart) {
  Begin(0s, CycleRunReason::kFirst);
  End(1s);
  Begin(10s, CycleRunReason::kTick);
  End(11s);
  Begin(12s, CycleRunReason::kTrigger);
  End(13s);
  const ChoreLedger::Runs runs = ledger_.RunsOf(kPeer, kChore);
  EXPECT_EQ(runs.started, 3u);
  EXPECT_EQ(runs.by_reason[static_cast<int>(CycleRunReason::kTick)], 1u);
  EXPECT_EQ(runs.by_reason[static_cast<int>(CycleRunReason::kTrigger)], 1u);
  EXPECT_EQ(runs.last_started, TimePoint(12s));
  EXPECT_TRUE(violations_.empty());
}

TEST_F(ChoreLedgerTest, RunsThatOverlapAreCaught) {
  Begin(0s, CycleRunReason::kFirst);
  Begin(5s, CycleRunReason::kTrigger);
  ASSERT_EQ(violations_.size(), 1u);
  EXPECT_EQ(violations_[0],
            "storagenode0 orders.sender began a run while its previous run was in progress (run "
            "at +5s)");
}

TEST_F(ChoreLedgerTest, APausedChoreRunsOnlyOnTriggers) {
  Control(2s, ChoreOp::kPause);
  Begin(5s, CycleRunReason::kTrigger);
  End(6s);
  EXPECT_TRUE(violations_.empty());
  Begin(10s, CycleRunReason::kTick);
  ASSERT_EQ(violations_.size(), 1u);
  EXPECT_NE(violations_[0].find("ticked while paused"), std::string::npos);
}

TEST_F(ChoreLedgerTest, TheFirstTickAfterARestartIsOneFullIntervalAway) {
  Control(4s, ChoreOp::kRestart);
  Begin(13s, CycleRunReason::kTick);  // 9s after the restart: too soon
  ASSERT_EQ(violations_.size(), 1u);
  EXPECT_NE(violations_[0].find("ticked 9s after its ticker was armed at +4s"), std::string::npos);
}

TEST_F(ChoreLedgerTest, ChangeIntervalRearmsWithTheNewInterval) {
  Control(4s, ChoreOp::kChangeInterval, 1min);
  Begin(1min + 4s, CycleRunReason::kTick);
  End(1min + 5s);
  EXPECT_TRUE(violations_.empty()) << violations_[0];
  Control(2min, ChoreOp::kChangeInterval, Cycle::kDisabled);
  Begin(3min, CycleRunReason::kTick);
  EXPECT_EQ(violations_.size(), 1u);
}

TEST_F(ChoreLedgerTest, AStoppedChoreNeverRunsAgain) {
  Control(1s, ChoreOp::kStop);
  Begin(2s, CycleRunReason::kTrigger);
  ASSERT_EQ(violations_.size(), 1u);
  EXPECT_NE(violations_[0].find("ran after it was stopped"), std::string::npos);
}

TEST_F(ChoreLedgerTest, ARestartedPeerStartsItsChoresAfreshAndKeepsCounting) {
  Begin(0s, CycleRunReason::kFirst);
  Control(1s, ChoreOp::kStop);
  ledger_.Started(kPeer, {{kChore, 10s}}, TimePoint(1min));
  Begin(1min, CycleRunReason::kFirst);
  EXPECT_TRUE(violations_.empty());
  EXPECT_EQ(ledger_.RunsOf(kPeer, kChore).started, 2u);
}

TEST_F(ChoreLedgerTest, ChoresThatBeginAfterTheStartAreArmedWhenTheyBegin) {
  // A node of a start spread: up at 1min, its chores begin at 1min30s.
  ledger_.Started(kPeer, {{kChore, 10s}}, TimePoint(1min + 30s));
  Begin(1min + 30s, CycleRunReason::kFirst);
  End(1min + 31s);
  Begin(1min + 39s, CycleRunReason::kTick);  // one interval after the start, not after the begin
  ASSERT_EQ(violations_.size(), 1u);
  EXPECT_NE(violations_[0].find("ticked 9s after its ticker was armed at +1m30s"),
            std::string::npos)
      << violations_[0];
}

TEST_F(ChoreLedgerTest, ARestartAskedBeforeTheChoresBeginArmsThemAsTheyBegin) {
  ledger_.Started(kPeer, {{kChore, 10s}}, TimePoint(1min + 30s));
  Control(1min + 5s, ChoreOp::kRestart);
  Begin(1min + 30s, CycleRunReason::kFirst);
  End(1min + 31s);
  Begin(1min + 35s, CycleRunReason::kTick);  // 30s after the restart, 5s after the begin
  ASSERT_EQ(violations_.size(), 1u);
  EXPECT_NE(violations_[0].find("ticked 5s after its ticker was armed at +1m30s"),
            std::string::npos)
      << violations_[0];
  End(1min + 36s);
  Begin(1min + 45s, CycleRunReason::kTick);
  EXPECT_EQ(violations_.size(), 1u);
}

}  // namespace
}  // namespace testplanet
