// PeerRef: one peer of a planet, by kind and index, with the planet's names for it.
//
// The planet names its peers satellite<i>, storagenode<i> and uplink<i>, and listens for them at
// <name>:7777, <name>:28967 and <name>:0. This is the one place that knows those spellings:
// scenario selectors resolve to PeerRefs once, when a scenario loads, and nothing above the
// planet takes a peer's name apart again.
#ifndef TESTPLANET_SCENARIOS_PLANET_PEER_REF_H_
#define TESTPLANET_SCENARIOS_PLANET_PEER_REF_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace testplanet {

enum class PeerKind : std::uint8_t { kSatellite, kStorageNode, kUplink };
inline constexpr PeerKind kPeerKinds[] = {PeerKind::kSatellite, PeerKind::kStorageNode,
                                          PeerKind::kUplink};

// "satellite", "storagenode", "uplink": the stem of a peer's name.
std::string_view PeerKindName(PeerKind kind);
// The kind whose stem is `name`, if any.
std::optional<PeerKind> PeerKindNamed(std::string_view name);

// How many peers of each kind a planet has.
struct PeerCounts {
  int satellites = 0;
  int storage_nodes = 0;
  int uplinks = 0;
  int Of(PeerKind kind) const;
};

struct PeerRef {
  PeerKind kind = PeerKind::kStorageNode;
  int index = 0;

  static PeerRef Satellite(int index) { return {PeerKind::kSatellite, index}; }
  static PeerRef StorageNode(int index) { return {PeerKind::kStorageNode, index}; }
  static PeerRef Uplink(int index) { return {PeerKind::kUplink, index}; }

  // "storagenode3".
  std::string Name() const;
  // Where it listens on the simulated network: "storagenode3:28967". Uplinks listen nowhere;
  // their address ("uplink0:0") names them on the network.
  std::string Address() const;
  bool is_satellite() const { return kind == PeerKind::kSatellite; }
  bool is_storage_node() const { return kind == PeerKind::kStorageNode; }
  bool is_uplink() const { return kind == PeerKind::kUplink; }

  friend auto operator<=>(const PeerRef&, const PeerRef&) = default;
};

}  // namespace testplanet

#endif  // TESTPLANET_SCENARIOS_PLANET_PEER_REF_H_
