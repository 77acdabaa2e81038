// SpanTracker: a chore run is a span from its begin to its end record, matched by chore and run
// number however runs of one peer interleave; each span takes its peer's lowest free lane; a
// run begun again drops its first begin and frees that lane; spans still open at the end are
// ended once, unfinished; and a peer with more than 64 spans open at once still gets the
// lowest free lane, past the 64 too.
#include "scenarios/report/span_tracker.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/trace.h"

namespace testplanet::report {
namespace {

// What the tracker said, in order.
class RecordingSink : public SpanTracker::Sink {
 public:
  std::size_t Began(const Span& span) override {
    began.push_back(span);
    return began.size() - 1;
  }
  void Ended(const Span& span, std::size_t handle) override { ended.push_back({span, handle}); }
  void Dropped(std::size_t handle) override { dropped.push_back(handle); }

  std::vector<Span> began;
  std::vector<std::pair<Span, std::size_t>> ended;
  std::vector<std::size_t> dropped;
};

class SpanTrackerTest : public testing::Test {
 protected:
  static constexpr std::uint64_t kTick = 2;

  void Begin(std::int64_t t, PeerId peer, std::uint64_t chore, std::uint64_t run) {
    EXPECT_TRUE(
        tracker_.Add({t, 0, peer, trace_kinds::kCycleRunBegin.id, chore, kTick, run}, tables_));
  }
  void End(std::int64_t t, PeerId peer, std::uint64_t chore, std::uint64_t run) {
    EXPECT_TRUE(tracker_.Add({t, 0, peer, trace_kinds::kCycleRunEnd.id, chore, 0, run}, tables_));
  }
  std::string Text(std::uint32_t id) const { return tracker_.texts().at(id); }

  const std::uint64_t sender_ = StableHash("orders.sender");
  const std::uint64_t cleanup_ = StableHash("orders.cleanup");
  std::vector<std::string> peer_names_{"sim", "storagenode0", "storagenode1"};
  std::map<std::uint64_t, std::string> names_{{sender_, "orders.sender"},
                                              {cleanup_, "orders.cleanup"}};
  NameTables tables_{peer_names_, names_};
  RecordingSink sink_;
  SpanTracker tracker_{sink_};
};

TEST_F(SpanTrackerTest, RunsOfOnePeerMatchByChoreAndRunNumberInAnyOrder) {
  Begin(10, 1, sender_, 1);
  Begin(11, 1, cleanup_, 1);
  Begin(12, 2, sender_, 1);  // another peer, the same chore and number
  Begin(13, 1, sender_, 2);
  End(20, 1, sender_, 1);
  End(21, 2, sender_, 1);
  End(22, 1, sender_, 2);
  End(23, 1, cleanup_, 1);
  ASSERT_EQ(sink_.began.size(), 4u);
  ASSERT_EQ(sink_.ended.size(), 4u);
  struct Want {
    std::size_t handle;
    PeerId peer;
    std::string name;
    std::uint64_t run;
    std::int64_t begin_ns, end_ns;
    int lane;
  };
  const Want want[] = {{0, 1, "orders.sender", 1, 10, 20, 0},
                       {2, 2, "orders.sender", 1, 12, 21, 0},
                       {3, 1, "orders.sender", 2, 13, 22, 2},
                       {1, 1, "orders.cleanup", 1, 11, 23, 1}};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& [span, handle] = sink_.ended[i];
    EXPECT_EQ(handle, want[i].handle) << i;
    EXPECT_EQ(span.peer, want[i].peer) << i;
    EXPECT_EQ(Text(span.name), want[i].name) << i;
    EXPECT_EQ(span.run, want[i].run) << i;
    EXPECT_EQ(span.begin_ns, want[i].begin_ns) << i;
    EXPECT_EQ(span.end_ns, want[i].end_ns) << i;
    EXPECT_EQ(span.lane, want[i].lane) << i;
    EXPECT_TRUE(span.finished) << i;
    EXPECT_EQ(Text(span.why), "tick") << i;
    EXPECT_EQ(Text(span.status), "OK") << i;
  }
  EXPECT_TRUE(sink_.dropped.empty());
  // Every lane was freed: a new run takes lane 0 again.
  Begin(30, 1, sender_, 3);
  EXPECT_EQ(sink_.began.back().lane, 0);
}

TEST_F(SpanTrackerTest, ARunBegunAgainDropsItsFirstBeginAndFreesItsLane) {
  Begin(10, 1, sender_, 1);
  Begin(11, 1, cleanup_, 1);  // lane 1
  Begin(12, 1, sender_, 1);   // sender 1 again: its first begin (lane 0) is dropped
  ASSERT_EQ(sink_.dropped, std::vector<std::size_t>{0});
  EXPECT_EQ(sink_.began.back().lane, 0);  // the freed lane, the lowest
  End(20, 1, sender_, 1);
  ASSERT_EQ(sink_.ended.size(), 1u);
  EXPECT_EQ(sink_.ended[0].second, 2u);
  EXPECT_EQ(sink_.ended[0].first.begin_ns, 12);
  // An end with no open run (begun before the trace, or ended already) is no span.
  End(21, 1, sender_, 1);
  End(22, 2, cleanup_, 9);
  EXPECT_EQ(sink_.ended.size(), 1u);
}

TEST_F(SpanTrackerTest, SpansOpenAtTheEndEndOnceUnfinished) {
  Begin(10, 1, sender_, 1);
  Begin(11, 2, cleanup_, 4);
  Begin(12, 1, cleanup_, 1);
  End(13, 1, cleanup_, 1);
  tracker_.EndAll(100);
  ASSERT_EQ(sink_.ended.size(), 3u);
  EXPECT_EQ(sink_.ended[1].second, 0u);  // by peer: storagenode0's sender, then storagenode1's
  EXPECT_EQ(sink_.ended[2].second, 1u);
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_FALSE(sink_.ended[i].first.finished);
    EXPECT_EQ(sink_.ended[i].first.end_ns, 100);
    EXPECT_EQ(Text(sink_.ended[i].first.status), "");
  }
  tracker_.EndAll(200);  // nothing is open any more
  EXPECT_EQ(sink_.ended.size(), 3u);
  EXPECT_EQ(tracker_.Lanes(), (std::vector<int>{1, 2, 1}));
}

TEST_F(SpanTrackerTest, APeerWithManySpansOpenStillTakesItsLowestFreeLane) {
  constexpr int kOpen = 70;
  for (int run = 0; run < kOpen; ++run) Begin(run, 1, sender_, static_cast<std::uint64_t>(run));
  for (int run = 0; run < kOpen; ++run) EXPECT_EQ(sink_.began[run].lane, run);
  // Free lanes 66, 3 and 65: the next three begins take 3, 65 and 66, then a new lane.
  End(100, 1, sender_, 66);
  End(101, 1, sender_, 3);
  End(102, 1, sender_, 65);
  for (std::uint64_t run = 100; run < 104; ++run) Begin(200, 1, sender_, run);
  ASSERT_EQ(sink_.began.size(), static_cast<std::size_t>(kOpen + 4));
  EXPECT_EQ(sink_.began[kOpen].lane, 3);
  EXPECT_EQ(sink_.began[kOpen + 1].lane, 65);
  EXPECT_EQ(sink_.began[kOpen + 2].lane, 66);
  EXPECT_EQ(sink_.began[kOpen + 3].lane, kOpen);
  EXPECT_EQ(tracker_.Lanes()[1], kOpen + 1);
}

}  // namespace
}  // namespace testplanet::report
