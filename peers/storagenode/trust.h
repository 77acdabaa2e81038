// TrustSource: which satellites a storage node works for, and where they listen.
//
// The seed's sender found a satellite through kademlia; Storj later used a trust list. Either
// way the node asks one question — "where is satellite X, and what is its key?" — and a
// satellite it cannot find is not one it settles with.
// List returns a shared, immutable snapshot: a chore that awaits between satellites keeps a
// whole list even if trust changes meanwhile (the change shows in the next snapshot), and every
// node of a planet can read one list without copying its keys and addresses.
#ifndef TESTPLANET_PEERS_STORAGENODE_TRUST_H_
#define TESTPLANET_PEERS_STORAGENODE_TRUST_H_

#include <memory>
#include <vector>

#include "peers/identity/identity.h"
#include "peers/rpc/transport.h"
#include "sim/status.h"

namespace testplanet::storagenode {

struct TrustedSatellite {
  PeerIdentity identity;
  rpc::Address address;
};

// What List returns: shared and never changed once handed out.
using SatelliteList = std::shared_ptr<const std::vector<TrustedSatellite>>;

class TrustSource {
 public:
  virtual ~TrustSource() = default;
  // Returns the satellite with ID `id`, or NOT_FOUND when it is not trusted.
  virtual StatusOr<TrustedSatellite> Lookup(const NodeId& id) = 0;
  // Every trusted satellite, in ID order; never null.
  virtual SatelliteList List() = 0;
};

}  // namespace testplanet::storagenode

#endif  // TESTPLANET_PEERS_STORAGENODE_TRUST_H_
