#include "scenarios/planet/peer_ref.h"

namespace testplanet {

std::string_view PeerKindName(PeerKind kind) {
  switch (kind) {
    case PeerKind::kSatellite:
      return "satellite";
    case PeerKind::kStorageNode:
      return "storagenode";
    case PeerKind::kUplink:
      return "uplink";
  }
  return "?";
}

std::optional<PeerKind> PeerKindNamed(std::string_view name) {
  for (PeerKind kind : kPeerKinds) {
    if (PeerKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

int PeerCounts::Of(PeerKind kind) const {
  switch (kind) {
    case PeerKind::kSatellite:
      return satellites;
    case PeerKind::kStorageNode:
      return storage_nodes;
    case PeerKind::kUplink:
      return uplinks;
  }
  return 0;
}

std::string PeerRef::Name() const {
  return std::string(PeerKindName(kind)) + std::to_string(index);
}

std::string PeerRef::Address() const {
  switch (kind) {
    case PeerKind::kSatellite:
      return Name() + ":7777";
    case PeerKind::kStorageNode:
      return Name() + ":28967";
    case PeerKind::kUplink:
      return Name() + ":0";
  }
  return Name();
}

}  // namespace testplanet
