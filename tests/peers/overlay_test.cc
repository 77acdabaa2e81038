// The overlay's node selection: distinct online nodes, and with a staleness (Storj's upload
// selection cache) picks from a snapshot that is only as fresh as it promises.
#include "peers/satellite/overlay.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "peers/work.h"
#include "tests/status_matchers.h"

namespace testplanet::satellite {
namespace {

using namespace std::chrono_literals;

class OverlayTest : public ::testing::Test {
 protected:
  OverlayTest() {
    StorageOptions options;
    options.in_memory = true;
    options.directory = "/overlay-test";
    auto opened = Store::Open(options);
    EXPECT_THAT(opened, IsOk());
    store_ = std::move(*opened);
    overlay_ = std::make_unique<Overlay>(sim_, kSimulatorPeer, *store_, RandomStream(7));
  }

  // A node checks in now; returns its id.
  NodeId CheckIn() {
    const Identity identity = Identity::FromStream(identities_);
    EXPECT_THAT(overlay_->CheckIn(identity.peer(), "node"), IsOk());
    return identity.id();
  }

  Simulator sim_;
  RandomStream identities_{99};
  std::unique_ptr<Store> store_;
  std::unique_ptr<Overlay> overlay_;
};

std::set<NodeId> Ids(const std::vector<NodeInfo>& nodes) {
  std::set<NodeId> ids;
  for (const NodeInfo& node : nodes) ids.insert(node.id);
  return ids;
}

TEST_F(OverlayTest, PicksDistinctOnlineNodesWithOrWithoutASnapshot) {
  for (int i = 0; i < 20; ++i) CheckIn();
  for (const Duration staleness : {Duration::zero(), Duration(3min)}) {
    std::set<NodeId> seen;
    for (int upload = 0; upload < 50; ++upload) {
      auto picked = overlay_->SelectNodes(8, 4h, staleness);
      ASSERT_THAT(picked, IsOk());
      ASSERT_EQ(picked->size(), 8u);
      EXPECT_EQ(Ids(*picked).size(), 8u) << "a node picked twice for one upload";
      for (const NodeInfo& node : *picked) seen.insert(node.id);
    }
    EXPECT_EQ(seen.size(), 20u) << "50 uploads of 8 out of 20 left a node never picked";
    auto all = overlay_->SelectNodes(100, 4h, staleness);
    ASSERT_THAT(all, IsOk());
    EXPECT_EQ(all->size(), 20u) << "fewer online than asked: all of them";
  }
}

TEST_F(OverlayTest, ASnapshotIsOnlyAsFreshAsItsStaleness) {
  for (int i = 0; i < 4; ++i) CheckIn();
  ASSERT_THAT(overlay_->SelectNodes(10, 4h, 3min), IsOk());  // the snapshot: 4 nodes
  const NodeId late = CheckIn();
  ASSERT_THAT(sim_.RunFor(2min), IsOk());
  auto picked = overlay_->SelectNodes(10, 4h, 3min);
  ASSERT_THAT(picked, IsOk());
  EXPECT_EQ(picked->size(), 4u) << "a snapshot younger than its staleness was taken again";
  EXPECT_FALSE(Ids(*picked).contains(late));
  ASSERT_THAT(sim_.RunFor(1min), IsOk());
  picked = overlay_->SelectNodes(10, 4h, 3min);
  ASSERT_THAT(picked, IsOk());
  EXPECT_EQ(picked->size(), 5u) << "a stale snapshot was used";
  EXPECT_TRUE(Ids(*picked).contains(late));
  // Without a staleness every selection sees the overlay as it is.
  const NodeId later = CheckIn();
  picked = overlay_->SelectNodes(10, 4h);
  ASSERT_THAT(picked, IsOk());
  EXPECT_TRUE(Ids(*picked).contains(later));
}

TEST_F(OverlayTest, NodesPastTheOnlineWindowAreNotPicked) {
  const NodeId old = CheckIn();
  ASSERT_THAT(sim_.RunFor(5h), IsOk());
  const NodeId fresh = CheckIn();
  for (const Duration staleness : {Duration::zero(), Duration(3min)}) {
    auto picked = overlay_->SelectNodes(10, 4h, staleness);
    ASSERT_THAT(picked, IsOk());
    EXPECT_EQ(Ids(*picked), std::set<NodeId>{fresh});
    EXPECT_FALSE(Ids(*picked).contains(old));
  }
}

// Snapshots come from the overlay's copy in memory: a check-in after the first snapshot (a node
// back online, at a new address) must reach the next one, and a snapshot keeps what it saw.
TEST_F(OverlayTest, ACheckInReachesTheNextSnapshotAndNotTheCurrentOne) {
  const Identity node = Identity::FromStream(identities_);
  ASSERT_THAT(overlay_->CheckIn(node.peer(), "old-address"), IsOk());
  ASSERT_THAT(sim_.RunFor(5h), IsOk());
  auto picked = overlay_->SelectNodes(10, 4h, 3min);
  ASSERT_THAT(picked, IsOk());
  EXPECT_TRUE(picked->empty()) << "offline for 5h, yet picked";
  ASSERT_THAT(sim_.RunFor(3min), IsOk());
  ASSERT_THAT(overlay_->CheckIn(node.peer(), "new-address"), IsOk());
  picked = overlay_->SelectNodes(10, 4h, 3min);
  ASSERT_THAT(picked, IsOk());
  ASSERT_EQ(picked->size(), 1u);
  EXPECT_EQ((*picked)[0].address, "new-address");
  EXPECT_EQ((*picked)[0].last_contact, sim_.Now());
  ASSERT_THAT(sim_.RunFor(1min), IsOk());
  ASSERT_THAT(overlay_->CheckIn(node.peer(), "newer-address"), IsOk());
  picked = overlay_->SelectNodes(10, 4h, 3min);
  ASSERT_THAT(picked, IsOk());
  ASSERT_EQ(picked->size(), 1u);
  EXPECT_EQ((*picked)[0].address, "new-address") << "the snapshot changed under a check-in";
  EXPECT_EQ(overlay_->Get(node.id())->value().address, "newer-address");
}

// A node's info is updated in place unless the current snapshot shows it: then the snapshot
// keeps the info it saw however often the node checks in before the next one.
TEST_F(OverlayTest, ASnapshotKeepsWhatItSawThroughSeveralCheckIns) {
  const Identity node = Identity::FromStream(identities_);
  ASSERT_THAT(overlay_->CheckIn(node.peer(), "first"), IsOk());
  ASSERT_THAT(overlay_->SelectNodes(10, 4h, 3min), IsOk());
  const TimePoint snapshot_taken = sim_.Now();
  for (const char* address : {"second", "third", "fourth"}) {
    ASSERT_THAT(sim_.RunFor(30s), IsOk());
    ASSERT_THAT(overlay_->CheckIn(node.peer(), address), IsOk());
    auto picked = overlay_->SelectNodes(10, 4h, 3min);
    ASSERT_THAT(picked, IsOk());
    ASSERT_EQ(picked->size(), 1u);
    EXPECT_EQ((*picked)[0].address, "first") << "after the check-in from " << address;
    EXPECT_EQ((*picked)[0].last_contact, snapshot_taken);
  }
  ASSERT_THAT(sim_.RunFor(2min), IsOk());
  auto picked = overlay_->SelectNodes(10, 4h, 3min);
  ASSERT_THAT(picked, IsOk());
  ASSERT_EQ(picked->size(), 1u);
  EXPECT_EQ((*picked)[0].address, "fourth");
}

// Nodes first seen after the table was read wait beside it until the next snapshot; every one of
// them reaches it, in the place a table read afresh would give it (so the same draws pick the
// same nodes).
TEST_F(OverlayTest, NodesJoiningAfterTheFirstSnapshotReachTheNextInIdOrder) {
  for (int i = 0; i < 3; ++i) CheckIn();
  ASSERT_THAT(overlay_->SelectNodes(0, 4h, 3min), IsOk());  // reads the table, draws nothing
  std::set<NodeId> joined;
  for (int i = 0; i < 50; ++i) joined.insert(CheckIn());
  ASSERT_THAT(sim_.RunFor(3min), IsOk());
  auto picked = overlay_->SelectNodes(100, 4h, 3min);
  ASSERT_THAT(picked, IsOk());
  ASSERT_EQ(picked->size(), 53u);
  for (const NodeId& id : joined) EXPECT_TRUE(Ids(*picked).contains(id));
  Overlay fresh(sim_, kSimulatorPeer, *store_, RandomStream(7));
  auto again = fresh.SelectNodes(100, 4h, 3min);
  ASSERT_THAT(again, IsOk());
  std::vector<NodeId> picked_ids, again_ids;
  for (const NodeInfo& node : *picked) picked_ids.push_back(node.id);
  for (const NodeInfo& node : *again) again_ids.push_back(node.id);
  EXPECT_EQ(picked_ids, again_ids);
}

// The table is read from the store once, not at each snapshot: at 25,000 nodes a read of every
// record each 3 minutes on each satellite was an eighth of a run.
TEST_F(OverlayTest, SnapshotsReadTheStoreOnce) {
  for (int i = 0; i < 10; ++i) CheckIn();
  ASSERT_THAT(overlay_->SelectNodes(3, 4h, 3min), IsOk());
  const std::uint64_t scans = ProcessWork().db_scans;
  for (int i = 0; i < 5; ++i) {
    CheckIn();
    ASSERT_THAT(sim_.RunFor(3min), IsOk());
    auto picked = overlay_->SelectNodes(100, 4h, 3min);
    ASSERT_THAT(picked, IsOk());
    EXPECT_EQ(picked->size(), 11u + i);
  }
  EXPECT_EQ(ProcessWork().db_scans, scans);
}

// Storj's satellite does not write a check-in that only repeats the node's record: with a wait
// period of 70 minutes an hourly check-in is written every other hour, and what selection sees
// is the record, not the check-in.
TEST_F(OverlayTest, ACheckInThatRepeatsTheRecordWithinTheWaitPeriodIsNotWritten) {
  Overlay overlay(sim_, kSimulatorPeer, *store_, RandomStream(7), {.check_in_wait_period = 70min});
  const Identity node = Identity::FromStream(identities_);
  ASSERT_THAT(overlay.CheckIn(node.peer(), "node"), IsOk());
  const TimePoint written = sim_.Now();
  const std::uint64_t writes = ProcessWork().db_writes;
  for (const Duration after : {Duration(1h), Duration(70min)}) {
    ASSERT_THAT(sim_.RunFor(written + after - sim_.Now()), IsOk());
    ASSERT_THAT(overlay.CheckIn(node.peer(), "node"), IsOk());
    EXPECT_EQ(ProcessWork().db_writes, writes) << "a redundant check-in " << after << " later";
    EXPECT_EQ(overlay.Get(node.id())->value().last_contact, written);
    auto picked = overlay.SelectNodes(10, 4h);
    ASSERT_THAT(picked, IsOk());
    ASSERT_EQ(picked->size(), 1u);
    EXPECT_EQ((*picked)[0].last_contact, written) << "selection saw a check-in never written";
  }
  EXPECT_EQ(overlay.check_ins(), 3u);
  EXPECT_EQ(overlay.redundant_check_ins(), 2u);
  ASSERT_THAT(sim_.RunFor(1ns), IsOk());  // now past the period: written
  ASSERT_THAT(overlay.CheckIn(node.peer(), "node"), IsOk());
  EXPECT_GT(ProcessWork().db_writes, writes);
  EXPECT_EQ(overlay.Get(node.id())->value().last_contact, sim_.Now());
  EXPECT_EQ(overlay.redundant_check_ins(), 2u);
}

// A check-in that changes the record is written whatever its age; and without a wait period
// (the default, Storj's testplanet's behaviour at 0) every check-in is.
TEST_F(OverlayTest, ACheckInThatChangesTheRecordIsWrittenAtOnce) {
  Overlay overlay(sim_, kSimulatorPeer, *store_, RandomStream(7), {.check_in_wait_period = 70min});
  const Identity node = Identity::FromStream(identities_);
  ASSERT_THAT(overlay.CheckIn(node.peer(), "old-address"), IsOk());
  ASSERT_THAT(sim_.RunFor(1min), IsOk());
  ASSERT_THAT(overlay.CheckIn(node.peer(), "new-address"), IsOk());
  EXPECT_EQ(overlay.Get(node.id())->value().address, "new-address");
  EXPECT_EQ(overlay.Get(node.id())->value().last_contact, sim_.Now());
  PeerIdentity rekeyed = node.peer();
  rekeyed.public_key = "another key";
  ASSERT_THAT(sim_.RunFor(1min), IsOk());
  ASSERT_THAT(overlay.CheckIn(rekeyed, "new-address"), IsOk());
  EXPECT_EQ(overlay.Get(node.id())->value().public_key, "another key");
  EXPECT_EQ(overlay.redundant_check_ins(), 0u);

  const Identity other = Identity::FromStream(identities_);  // the fixture's: no wait period
  ASSERT_THAT(overlay_->CheckIn(other.peer(), "node"), IsOk());
  ASSERT_THAT(sim_.RunFor(1min), IsOk());
  const std::uint64_t writes = ProcessWork().db_writes;
  ASSERT_THAT(overlay_->CheckIn(other.peer(), "node"), IsOk());
  EXPECT_GT(ProcessWork().db_writes, writes);
  EXPECT_EQ(overlay_->Get(other.id())->value().last_contact, sim_.Now());
  EXPECT_EQ(overlay_->redundant_check_ins(), 0u);
}

// A restarted satellite reads its records before judging a check-in: the first hourly check-in
// after a restart is as redundant as it was before.
// The copy in memory finds a node by the first 8 bytes of its id, then by the whole id: nodes
// whose ids share those bytes (on either side of a third) are each judged by their own record.
TEST_F(OverlayTest, NodesWhoseIdsShareTheirFirstBytesAreToldApart) {
  Overlay overlay(sim_, kSimulatorPeer, *store_, RandomStream(7), {.check_in_wait_period = 70min});
  auto peer_with = [](std::uint8_t last, std::uint8_t first) {
    std::array<std::uint8_t, kNodeIdSize> bytes{};
    bytes.fill(0x5a);
    bytes[0] = first;
    bytes[kNodeIdSize - 1] = last;
    return PeerIdentity{NodeId(bytes), std::string(32, static_cast<char>(last))};
  };
  const std::vector<PeerIdentity> nodes = {peer_with(3, 0x5a), peer_with(1, 0x5a),
                                           peer_with(2, 0x5a), peer_with(1, 0x5b),
                                           peer_with(1, 0x59)};
  for (const PeerIdentity& node : nodes) ASSERT_THAT(overlay.CheckIn(node, "a"), IsOk());
  ASSERT_THAT(overlay.SelectNodes(10, 4h), IsOk());  // merges them into the sorted copy
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  // Each node again, one of them at a new address: only that one is written.
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    ASSERT_THAT(overlay.CheckIn(nodes[i], i == 2 ? "b" : "a"), IsOk());
  }
  EXPECT_EQ(overlay.redundant_check_ins(), nodes.size() - 1);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    auto got = overlay.Get(nodes[i].id);
    ASSERT_TRUE(got.ok() && got->has_value()) << i;
    EXPECT_EQ(got->value().address, i == 2 ? "b" : "a") << i;
  }
  // A stranger with the shared first bytes is not any of them.
  ASSERT_THAT(overlay.CheckIn(peer_with(9, 0x5a), "a"), IsOk());
  EXPECT_EQ(overlay.redundant_check_ins(), nodes.size() - 1);
}

// Nodes keep joining while a snapshot is current and none is taken after it (the copy in
// memory takes them in batches as they come): each is still found by its own record, the
// snapshot still shows what it saw, and the next one shows every node at its address, as a
// fresh overlay reading the store does.
TEST_F(OverlayTest, ManyNodesJoiningBetweenSnapshotsAreEachFoundAndSelected) {
  Overlay overlay(sim_, kSimulatorPeer, *store_, RandomStream(7), {.check_in_wait_period = 70min});
  std::vector<Identity> nodes;
  for (int i = 0; i < 400; ++i) {
    nodes.push_back(Identity::FromStream(identities_));
    ASSERT_THAT(overlay.CheckIn(nodes.back().peer(), "a"), IsOk());
    if (i == 9) {
      ASSERT_THAT(overlay.SelectNodes(0, 4h, 3h), IsOk());  // a snapshot of 10
    }
  }
  auto seen = overlay.SelectNodes(1000, 4h, 3h);
  ASSERT_THAT(seen, IsOk());
  EXPECT_EQ(seen->size(), 10u) << "the snapshot shows the nodes it saw";
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    ASSERT_THAT(overlay.CheckIn(nodes[i].peer(), i % 50 == 0 ? "b" : "a"), IsOk());
  }
  EXPECT_EQ(overlay.redundant_check_ins(), nodes.size() - nodes.size() / 50);
  ASSERT_THAT(sim_.RunFor(3h), IsOk());
  auto all = overlay.SelectNodes(1000, 5h, 3h);
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->size(), nodes.size());
  Overlay fresh(sim_, kSimulatorPeer, *store_, RandomStream(7));
  auto again = fresh.SelectNodes(1000, 5h, 3h);
  ASSERT_THAT(again, IsOk());
  std::vector<std::pair<NodeId, std::string>> picked, picked_again;
  for (const NodeInfo& node : *all) picked.emplace_back(node.id, node.address);
  for (const NodeInfo& node : *again) picked_again.emplace_back(node.id, node.address);
  // The same nodes at the same addresses (each overlay shuffles with its own draws).
  std::sort(picked.begin(), picked.end());
  std::sort(picked_again.begin(), picked_again.end());
  EXPECT_EQ(picked, picked_again);
}

TEST_F(OverlayTest, AFreshOverlayJudgesCheckInsByTheStoredRecords) {
  const Identity node = Identity::FromStream(identities_);
  {
    Overlay before(sim_, kSimulatorPeer, *store_, RandomStream(7), {.check_in_wait_period = 70min});
    ASSERT_THAT(before.CheckIn(node.peer(), "node"), IsOk());
  }
  const TimePoint written = sim_.Now();
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  Overlay after(sim_, kSimulatorPeer, *store_, RandomStream(7), {.check_in_wait_period = 70min});
  ASSERT_THAT(after.CheckIn(node.peer(), "node"), IsOk());
  EXPECT_EQ(after.redundant_check_ins(), 1u);
  EXPECT_EQ(after.Get(node.id())->value().last_contact, written);
}

}  // namespace
}  // namespace testplanet::satellite
