// SimNetwork: the peers' transport (rpc::Dialer, rpc::Stream, rpc::Server) on virtual time.
//
// Peers listen at string addresses ("satellite0:7777"). A dial takes one round trip and fails
// with UNAVAILABLE ("connection refused") when nothing is up at the address; across a partition
// it never completes, so the caller's context deadline decides (like a dropped SYN). Streams
// deliver messages in order, each after the link's latency. What one side of a stream sends for
// the same arrival instant (a unary call's opening, request and end; a reply and its end) crosses
// as one packet, as DRPC batches them: one scheduler event, O(log n) in the number of pending
// events, never a scan over links. So a packet's frames arrive together: no other event runs
// between them, though one due at the same instant may run before or after the packet.
// Each link's latency is drawn once, from the seeded stream "net/link/<a>/<b>", uniformly in
// [min_latency, max_latency].
//
// Faults, every one drawn from the seed and recorded in the trace (net.fault) when it fires:
//   * SetDown/SetUp take an address off the network and back (its connections reset: pending
//     and later operations fail with UNAVAILABLE);
//   * Partition/Heal cut a pair of addresses apart (connections between them reset, new dials
//     hang); PartitionOneWay/HealOneWay silently lose everything sent from one to the other
//     (connections stay up, dials hang: the handshake needs both directions);
//   * SetMessageFaults: each message to or from an address is dropped, duplicated or reordered
//     with the given probabilities (drawn from "net/faults/<address>");
//   * Clog: everything between two addresses arrives no earlier than a given instant;
//   * Hold/Release: messages to or from an address wait, in order, until released;
//   * SetDialFailure: dials to an address are refused with a probability;
//   * SetExtraLatency (a slow peer) and NetworkOptions::jitter (each message's own delay).
// Drops, duplicates and reorders apply to stream messages only: opening and ending a stream are
// never lost, so a drop looks like a lost datagram, not like a reset.
//
// Recorded in the trace: net.dial, net.stream.open, net.stream.end, net.message, net.reset,
// net.fault (see kinds below).
// Trap: one Recv at a time per stream side. The network must outlive the streams it made.
#ifndef TESTPLANET_FAKES_SIM_NETWORK_H_
#define TESTPLANET_FAKES_SIM_NETWORK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>  // determinism-ok: by_address_, looked up only
#include <utility>
#include <vector>

#include "peers/identity/identity.h"
#include "peers/rpc/transport.h"
#include "sim/simulator.h"
#include "sim/trace.h"

namespace testplanet::fakes {

struct NetworkOptions {
  Duration min_latency = std::chrono::milliseconds(1);
  Duration max_latency = std::chrono::milliseconds(40);
  // Each message's delay is its link's latency plus a uniform draw in [0, jitter]. Messages on a
  // stream still arrive in order unless reordered.
  Duration jitter{};
};

// Per-message fault probabilities, in [0, 1].
struct MessageFaults {
  double drop = 0;
  double duplicate = 0;
  double reorder = 0;
  bool any() const { return drop > 0 || duplicate > 0 || reorder > 0; }
};

namespace net_kinds {
// A dial finished. a = caller peer, b = callee peer (0 if unknown), c = StatusCode.
TESTPLANET_TRACE_KIND(kDial, "net.dial");
// A stream reached its server (recorded on the server). a = caller peer, b = method name id,
// c = stream id.
TESTPLANET_TRACE_KIND(kStreamOpen, "net.stream.open");
// A server handler ended its stream (recorded on the server). a = caller peer, b = StatusCode,
// c = stream id.
TESTPLANET_TRACE_KIND(kStreamEnd, "net.stream.end");
// A message was delivered. a = sender peer, b = receiver peer, c = size in bytes.
TESTPLANET_TRACE_KIND(kMessage, "net.message");
// A connection was reset (peer down, partition). a, b = the two peers.
TESTPLANET_TRACE_KIND(kReset, "net.reset");
// A fault fired on a message or dial. a = fault name id ("drop", "duplicate", "reorder",
// "one_way", "clog", "hold", "dial_failure"), b = sender peer, c = receiver peer.
TESTPLANET_TRACE_KIND(kFault, "net.fault");
}  // namespace net_kinds

class SimNetwork {
 public:
  explicit SimNetwork(Simulator& sim, NetworkOptions options = {});
  ~SimNetwork();
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;

  // Makes `server` reachable at `address` as `identity`; handlers run under `serve_ctx`.
  // Returns ALREADY_EXISTS if the address is taken by another identity.
  Status Listen(const rpc::Address& address, PeerId peer, const PeerIdentity& identity,
                rpc::Server* server, Context serve_ctx);
  // The peer listening at `address` is gone (its server and context with it): the address goes
  // down, and dials to it are refused even if it is set up again, until it listens again.
  void Unlisten(const rpc::Address& address);
  // Replaces the context handlers run under (a restarted peer).
  void SetServeContext(const rpc::Address& address, Context serve_ctx);

  // A dialer whose calls come from the peer listening at `self`.
  std::unique_ptr<rpc::Dialer> DialerFor(const rpc::Address& self);

  // Takes `address` off the network: dials to it are refused, its connections reset.
  void SetDown(const rpc::Address& address);
  void SetUp(const rpc::Address& address);
  bool IsUp(const rpc::Address& address) const;

  // Cuts `a` and `b` apart in both directions until Heal.
  void Partition(const rpc::Address& a, const rpc::Address& b);
  void Heal(const rpc::Address& a, const rpc::Address& b);
  bool Partitioned(const rpc::Address& a, const rpc::Address& b) const;

  // The one-way latency between two addresses (drawn on first use), without extra delay.
  Duration Latency(const rpc::Address& a, const rpc::Address& b);

  // Adds `extra` to the delay of every message to or from `address` (a slow or clogged peer);
  // zero ends it. Messages already in flight keep their delay; order is kept per stream.
  void SetExtraLatency(const rpc::Address& address, Duration extra);

  // Loses everything sent from `from` to `to` until HealOneWay.
  void PartitionOneWay(const rpc::Address& from, const rpc::Address& to);
  void HealOneWay(const rpc::Address& from, const rpc::Address& to);

  // Drops, duplicates and reorders messages to or from `address`; all zero ends it.
  void SetMessageFaults(const rpc::Address& address, MessageFaults faults);

  // Delays everything between `a` and `b` sent before `until` to arrive no earlier than it.
  void Clog(const rpc::Address& a, const rpc::Address& b, TimePoint until);

  // Holds messages to or from `address` (in order) until Release delivers them, each after
  // its link's latency from the release.
  void Hold(const rpc::Address& address);
  void Release(const rpc::Address& address);

  // Refuses each dial to `address` with probability `p` (0 ends it).
  void SetDialFailure(const rpc::Address& address, double p);

  // Ends every fault above and heals every partition (a quiesce). Addresses that are down stay
  // down: whether a peer runs is the planet's business.
  void ClearFaults();

  // The faults in force, one per line ("partitioned a b", "down a", "slow a +2h"), or "".
  std::string DescribeFaults() const;
  // How many times each kind of fault fired, by name.
  const std::map<std::string, std::uint64_t>& faults_fired() const { return faults_fired_; }

  std::uint64_t messages_delivered() const { return messages_delivered_; }
  std::uint64_t bytes_delivered() const { return bytes_delivered_; }

  // Implementation types, public only so that the .cc's helpers can name them.
  struct Endpoint;
  struct ConnState;
  struct StreamState;
  struct Frame;
  struct Packet;
  class PacketEvent;
  class SimStream;
  class SimConnection;
  class SimDialer;

 private:
  friend class SimDialer;
  friend class SimConnection;
  friend class SimStream;
  friend class PacketEvent;

  Endpoint* Find(const rpc::Address& address) const;
  Duration LinkLatency(std::uint32_t a, std::uint32_t b);
  bool PartitionedIndices(std::uint32_t a, std::uint32_t b) const;
  void ResetConnections(const Endpoint& endpoint, const Endpoint* other, const Status& why);
  // The delay of a message on `conn` sent now: the link's latency plus both ends' extra.
  Duration MessageDelay(const ConnState& conn) const;
  // Where a message from endpoint `from` to `to` on `conn`, sent now, goes and when; `last` is
  // the arrival of the previous in-order message in that direction of its stream, `latest` the
  // latest arrival of any (an end of stream waits for it).
  struct Transit {
    bool lost = false;
    bool duplicate = false;
    TimePoint arrival{};
  };
  Transit Route(std::uint32_t from, std::uint32_t to, const ConnState& conn, TimePoint& last,
                TimePoint& latest, bool data);
  // Sends `frame` on `stream` (toward its server iff `to_server`) to arrive at `arrival`: in
  // the packet in flight that way if it arrives then too, else in a packet (an event) of its
  // own; or keeps it while either end is held.
  void Dispatch(std::uint32_t from, std::uint32_t to, TimePoint arrival,
                const std::shared_ptr<StreamState>& stream, bool to_server, Frame frame);
  void Fired(const char* fault, std::uint32_t from, std::uint32_t to);
  void OpenAtServer(const std::shared_ptr<StreamState>& stream);
  void Deliver(StreamState& stream, bool to_server, std::string message);
  // A frame has arrived: opens the stream at its server, queues a message or ends a direction.
  void Arrive(const std::shared_ptr<StreamState>& stream, bool to_server, Frame frame);

  Simulator* sim_;
  NetworkOptions options_;
  std::map<rpc::Address, std::unique_ptr<Endpoint>> endpoints_;
  // endpoints_ by hash, for Find: an uplink dials nodes all over the planet, and a walk of the
  // map of 25,000 addresses cost two cache misses a level (the node, then its string's bytes).
  // Keys view the endpoints' own addresses. Only looked up, never iterated.
  std::unordered_map<std::string_view, Endpoint*> by_address_;  // determinism-ok: lookups only
  std::vector<Endpoint*> by_index_;
  std::set<std::pair<std::uint32_t, std::uint32_t>> partitions_;
  std::set<std::pair<std::uint32_t, std::uint32_t>> one_way_;  // (from, to)
  std::map<std::pair<std::uint32_t, std::uint32_t>, TimePoint> clogs_;
  std::map<std::string, std::uint64_t> faults_fired_;
  std::uint64_t messages_delivered_ = 0;
  std::uint64_t next_stream_id_ = 1;
  std::uint64_t bytes_delivered_ = 0;
  // Counts Hold calls: a packet takes more frames only in the epoch it was sent in.
  std::uint64_t hold_epoch_ = 0;
};

}  // namespace testplanet::fakes

#endif  // TESTPLANET_FAKES_SIM_NETWORK_H_
