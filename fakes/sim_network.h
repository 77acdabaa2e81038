// SimNetwork: the peers' transport (rpc::Dialer, rpc::Stream, rpc::Server) on virtual time.
//
// Peers listen at string addresses ("satellite0:7777"). A dial takes one round trip and fails
// with UNAVAILABLE ("connection refused") when nothing is up at the address; across a partition
// it never completes, so the caller's context deadline decides (like a dropped SYN). Streams
// deliver messages in order, each after the link's latency: every message is one scheduler
// event, so delivery costs O(log n) in the number of pending events, never a scan over links.
// Each link's latency is drawn once, from the seeded stream "net/link/<a>/<b>", uniformly in
// [min_latency, max_latency].
//
// Faults (more come with the fault issue): SetDown/SetUp take an address off the network and
// back (its connections reset: pending and later operations fail with UNAVAILABLE);
// Partition/Heal cut a pair of addresses apart (connections between them reset, new dials hang).
//
// Recorded in the trace: net.dial, net.stream.open, net.stream.end, net.message (see kinds below).
// Trap: one Recv at a time per stream side. The network must outlive the streams it made.
#ifndef TESTPLANET_FAKES_SIM_NETWORK_H_
#define TESTPLANET_FAKES_SIM_NETWORK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
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
};

namespace net_kinds {
// A dial finished. a = caller peer, b = callee peer (0 if unknown), c = StatusCode.
inline constexpr TraceKind kDial{"net.dial"};
// A stream reached its server (recorded on the server). a = caller peer, b = method name id,
// c = stream id.
inline constexpr TraceKind kStreamOpen{"net.stream.open"};
// A server handler ended its stream (recorded on the server). a = caller peer, b = StatusCode,
// c = stream id.
inline constexpr TraceKind kStreamEnd{"net.stream.end"};
// A message was delivered. a = sender peer, b = receiver peer, c = size in bytes.
inline constexpr TraceKind kMessage{"net.message"};
// A connection was reset (peer down, partition). a, b = the two peers.
inline constexpr TraceKind kReset{"net.reset"};
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

  // The faults in force, one per line ("partitioned a b", "down a", "slow a +2h"), or "".
  std::string DescribeFaults() const;

  std::uint64_t messages_delivered() const { return messages_delivered_; }
  std::uint64_t bytes_delivered() const { return bytes_delivered_; }

  // Implementation types, public only so that the .cc's helpers can name them.
  struct Endpoint;
  struct ConnState;
  struct StreamState;
  class SimStream;
  class SimConnection;
  class SimDialer;

 private:
  friend class SimDialer;
  friend class SimConnection;
  friend class SimStream;

  Endpoint* Find(const rpc::Address& address) const;
  Duration LinkLatency(std::uint32_t a, std::uint32_t b);
  bool PartitionedIndices(std::uint32_t a, std::uint32_t b) const;
  void ResetConnections(const Endpoint& endpoint, const Endpoint* other, const Status& why);
  // The delay of a message on `conn` sent now: the link's latency plus both ends' extra.
  Duration MessageDelay(const ConnState& conn) const;
  void OpenAtServer(std::shared_ptr<StreamState> stream, std::string method);
  void Deliver(std::shared_ptr<StreamState> stream, bool to_server, std::string message);

  Simulator* sim_;
  NetworkOptions options_;
  std::map<rpc::Address, std::unique_ptr<Endpoint>> endpoints_;
  std::vector<Endpoint*> by_index_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, Duration> link_latency_;
  std::set<std::pair<std::uint32_t, std::uint32_t>> partitions_;
  std::uint64_t messages_delivered_ = 0;
  std::uint64_t next_stream_id_ = 1;
  std::uint64_t bytes_delivered_ = 0;
};

}  // namespace testplanet::fakes

#endif  // TESTPLANET_FAKES_SIM_NETWORK_H_
