// StaticTrust: a TrustSource from a fixed list of satellites, fed by the planet (or a test).
#ifndef TESTPLANET_FAKES_STATIC_TRUST_H_
#define TESTPLANET_FAKES_STATIC_TRUST_H_

#include <map>
#include <vector>

#include "peers/storagenode/trust.h"

namespace testplanet::fakes {

class StaticTrust : public storagenode::TrustSource {
 public:
  void Add(storagenode::TrustedSatellite satellite) {
    satellites_[satellite.identity.id] = std::move(satellite);
  }
  void Remove(const NodeId& id) { satellites_.erase(id); }

  StatusOr<storagenode::TrustedSatellite> Lookup(const NodeId& id) override {
    auto it = satellites_.find(id);
    if (it == satellites_.end())
      return NotFoundError("satellite " + id.Short() + " is not trusted");
    return it->second;
  }
  std::vector<storagenode::TrustedSatellite> List() override {
    std::vector<storagenode::TrustedSatellite> out;
    out.reserve(satellites_.size());
    for (const auto& [id, satellite] : satellites_) out.push_back(satellite);
    return out;
  }

 private:
  std::map<NodeId, storagenode::TrustedSatellite> satellites_;  // ordered by ID
};

}  // namespace testplanet::fakes

#endif  // TESTPLANET_FAKES_STATIC_TRUST_H_
