#include "peers/satellite/overlay.h"

#include <algorithm>

#include "peers/protocol/signing.h"

namespace testplanet::satellite {
namespace {

constexpr std::string_view kNodePrefix = "overlay/";

std::string NodeKey(const NodeId& id) {
  std::string key(kNodePrefix);
  key += id.bytes();
  return key;
}

std::optional<NodeInfo> Parse(std::string_view value) {
  pb::NodeRecord record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) return std::nullopt;
  StatusOr<NodeId> id = NodeId::FromBytes(record.node_id());
  if (!id.ok()) return std::nullopt;
  return NodeInfo{*id, record.public_key(), record.address(),
                  TimePoint(Duration(record.last_contact() - kEpochUnixSeconds * 1'000'000'000))};
}

}  // namespace

Overlay::Overlay(Simulator& sim, PeerId peer, Store& store, RandomStream selection,
                 OverlayConfig config)
    : sim_(&sim), peer_(peer), store_(&store), selection_(selection), config_(config) {}

void Overlay::Register(rpc::Server& server) {
  server.Register("contact.CheckIn",
                  rpc::ServeUnary([this](Context, const PeerIdentity& caller,
                                         std::string request) -> Awaitable<StatusOr<std::string>> {
                    pb::CheckInRequest check_in;
                    if (!check_in.ParseFromString(request))
                      co_return InvalidArgumentError("malformed check-in");
                    if (Status s = CheckIn(caller, check_in.address()); !s.ok()) co_return s;
                    pb::CheckInResponse response;
                    response.set_accepted(true);
                    co_return DeterministicBytes(response);
                  }));
}

Status Overlay::CheckIn(const PeerIdentity& node, const rpc::Address& address) {
  if (node.id.IsZero()) return Status(StatusCode::kUnauthenticated, "check-in without identity");
  const TimePoint now = sim_->PeerNow(peer_);
  ++check_ins_;
  // With a wait period the node's record decides whether to write, so the copy in memory is
  // loaded first if need be (a satellite's first check-in, or the first after a failed write);
  // when it cannot be, the check-in is written, which is never wrong.
  if (config_.check_in_wait_period > Duration::zero() && !mirror_loaded_) {
    LoadMirror().IgnoreError();
  }
  // Found once: the same entry judges the check-in and, once written, takes it.
  Entry* entry = mirror_loaded_ ? FindEntry(node.id) : nullptr;
  if (entry != nullptr && Redundant(*entry, node, address, now)) {
    ++redundant_check_ins_;
    return Status::Ok();
  }
  pb::NodeRecord record;
  record.set_node_id(std::string(node.id.bytes()));
  record.set_public_key(node.public_key);
  record.set_address(address);
  record.set_last_contact(ToUnixNanos(now));
  Status s = store_->Put(NodeKey(node.id), DeterministicBytes(record));
  if (!s.ok()) {
    // The write may or may not have reached the store: read the store again when next needed.
    ClearMirror();
    return s;
  }
  if (!mirror_loaded_) return s;
  if (entry == nullptr) {
    entry = &joined_[node.id];
    entry->id = node.id;
  }
  entry->last_contact = now;
  if (ShownBySnapshot(*entry)) {
    snapshot_.retired.push_back(std::move(entry->info));
    entry->snapshot = 0;
  }
  if (entry->info == nullptr) entry->info = std::make_unique<NodeInfo>();
  // Assigned in place: the strings keep their buffers, so a check-in allocates nothing.
  NodeInfo& info = *entry->info;
  info.id = node.id;
  info.public_key = node.public_key;
  info.address = address;
  info.last_contact = now;
  // Nodes that joined wait in a map for the next snapshot to merge them; a satellite that takes
  // no snapshot (it serves no uploads) would look all of its nodes up in that map for ever.
  // Once they are a quarter of the copy, they merge now: the copy grows geometrically, so the
  // merges cost a constant per node.
  if (joined_.size() > kJoinedToMerge && joined_.size() * 4 > mirror_.size()) MergeJoined();
  return s;
}

// Storj's test for an unnecessary check-in: the record is younger than the wait period and
// names the same key and address.
bool Overlay::Redundant(const Entry& entry, const PeerIdentity& node, const rpc::Address& address,
                        TimePoint now) const {
  if (config_.check_in_wait_period <= Duration::zero() || entry.info == nullptr) return false;
  const NodeInfo& record = *entry.info;
  // Storj writes when last contact + period is before now: a check-in exactly at the end of
  // the period is still redundant.
  return now <= record.last_contact + config_.check_in_wait_period &&
         record.public_key == node.public_key && record.address == address;
}

StatusOr<std::optional<NodeInfo>> Overlay::Get(const NodeId& id) {
  StatusOr<std::optional<std::string>> value = store_->Get(NodeKey(id));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<NodeInfo>();
  return Parse(**value);
}

StatusOr<std::vector<NodeInfo>> Overlay::List() {
  std::vector<NodeInfo> nodes;
  Status s = store_->ScanPrefix(kNodePrefix, [&](std::string_view, std::string_view value) {
    if (auto node = Parse(value)) nodes.push_back(std::move(*node));
    return true;
  });
  if (!s.ok()) return s;
  return nodes;
}

Status Overlay::LoadMirror() {
  mirror_.clear();
  joined_.clear();
  Status s = store_->ScanPrefix(kNodePrefix, [&](std::string_view, std::string_view value) {
    if (std::optional<NodeInfo> node = Parse(value)) {
      mirror_.push_back(
          Entry{node->id, node->last_contact, 0, std::make_unique<NodeInfo>(std::move(*node))});
    }
    return true;
  });
  if (!s.ok()) {
    mirror_.clear();
    IndexMirror();
    return s;
  }
  // Keys hold the node's id, so the scan comes in id order; a record naming another node than
  // its key would not, and the lookups need the order (the first record of an id wins, as it
  // did in the map this replaced).
  auto by_id = [](const Entry& a, const Entry& b) { return a.id < b.id; };
  if (!std::is_sorted(mirror_.begin(), mirror_.end(), by_id)) {
    std::stable_sort(mirror_.begin(), mirror_.end(), by_id);
  }
  mirror_.erase(std::unique(mirror_.begin(), mirror_.end(),
                            [](const Entry& a, const Entry& b) { return a.id == b.id; }),
                mirror_.end());
  IndexMirror();
  mirror_loaded_ = true;
  return Status::Ok();
}

namespace {
// An id's first 8 bytes, big-endian: ids in order have their prefixes in order.
std::uint64_t PrefixOf(const NodeId& id) { return ReadBigEndian64(id.bytes()); }
}  // namespace

void Overlay::IndexMirror() {
  mirror_prefixes_.clear();
  mirror_prefixes_.reserve(mirror_.size());
  for (const Entry& entry : mirror_) mirror_prefixes_.push_back(PrefixOf(entry.id));
}

Overlay::Entry* Overlay::FindEntry(const NodeId& id) {
  const std::uint64_t prefix = PrefixOf(id);
  auto it = std::lower_bound(mirror_prefixes_.begin(), mirror_prefixes_.end(), prefix);
  // Ids that share a prefix sit together, in id order.
  for (auto i = static_cast<std::size_t>(it - mirror_prefixes_.begin());
       i < mirror_prefixes_.size() && mirror_prefixes_[i] == prefix; ++i) {
    if (mirror_[i].id == id) return &mirror_[i];
  }
  auto joined = joined_.find(id);
  return joined == joined_.end() ? nullptr : &joined->second;
}

void Overlay::MergeJoined() {
  if (joined_.empty()) return;
  std::vector<Entry> merged;
  merged.reserve(mirror_.size() + joined_.size());
  auto next = joined_.begin();
  for (Entry& entry : mirror_) {
    for (; next != joined_.end() && next->first < entry.id; ++next) {
      merged.push_back(std::move(next->second));
    }
    merged.push_back(std::move(entry));
  }
  for (; next != joined_.end(); ++next) merged.push_back(std::move(next->second));
  mirror_ = std::move(merged);
  joined_.clear();
  IndexMirror();
}

void Overlay::ClearMirror() {
  // The current snapshot still shows what it saw (nodes that joined since are not in it).
  for (Entry& entry : mirror_) {
    if (ShownBySnapshot(entry)) snapshot_.retired.push_back(std::move(entry.info));
  }
  mirror_.clear();
  joined_.clear();
  IndexMirror();
  mirror_loaded_ = false;
}

Status Overlay::TakeSnapshot(TimePoint now, Duration online_window) {
  snapshot_.valid = false;
  snapshot_.nodes.clear();  // keeps its capacity
  snapshot_.retired.clear();
  if (!mirror_loaded_) {
    if (Status s = LoadMirror(); !s.ok()) return s;
  }
  MergeJoined();
  const std::uint64_t number = ++snapshot_.number;
  for (Entry& entry : mirror_) {
    if (now - entry.last_contact <= online_window) {
      entry.snapshot = number;
      snapshot_.nodes.push_back(entry.info.get());
    }
  }
  snapshot_.order.resize(snapshot_.nodes.size());
  for (std::size_t i = 0; i < snapshot_.order.size(); ++i) {
    snapshot_.order[i] = static_cast<std::uint32_t>(i);
  }
  snapshot_.taken = now;
  snapshot_.valid = true;
  return Status::Ok();
}

StatusOr<std::vector<NodeInfo>> Overlay::SelectNodes(int count, Duration online_window,
                                                     Duration staleness) {
  const TimePoint now = sim_->PeerNow(peer_);
  // Without a staleness every selection takes a fresh snapshot. A clock stepped back also makes
  // a snapshot stale: "at most that long ago" is unknown.
  if (staleness <= Duration::zero() || !snapshot_.valid || now < snapshot_.taken ||
      now - snapshot_.taken >= staleness) {
    if (Status s = TakeSnapshot(now, online_window); !s.ok()) return s;
  }
  // A partial Fisher-Yates shuffle over the snapshot's permutation: deterministic for a seed.
  std::vector<std::uint32_t>& order = snapshot_.order;
  const std::size_t take = std::min<std::size_t>(order.size(), count < 0 ? 0 : count);
  std::vector<NodeInfo> picked;
  picked.reserve(take);
  for (std::size_t i = 0; i < take; ++i) {
    std::swap(order[i], order[i + selection_.Below(order.size() - i)]);
    picked.push_back(*snapshot_.nodes[order[i]]);
  }
  return picked;
}

}  // namespace testplanet::satellite
