// StaticTrust: a TrustSource from a fixed list of satellites, fed by the planet (or a test).
// The list is its only state, kept sorted by ID and replaced whole by Add and Remove: a planet's
// nodes share one StaticTrust and list it on every contact run without a copy, and a list
// already handed out never changes under its reader.
#ifndef TESTPLANET_FAKES_STATIC_TRUST_H_
#define TESTPLANET_FAKES_STATIC_TRUST_H_

#include <algorithm>
#include <memory>
#include <vector>

#include "peers/storagenode/trust.h"

namespace testplanet::fakes {

class StaticTrust : public storagenode::TrustSource {
  // The first satellite whose ID is not below `id` (defined first: the members below deduce
  // its return type).
  template <typename List>
  static auto FindIn(List& list, const NodeId& id) {
    return std::lower_bound(list.begin(), list.end(), id,
                            [](const storagenode::TrustedSatellite& satellite, const NodeId& key) {
                              return satellite.identity.id < key;
                            });
  }

 public:
  // Trusts `satellite`, replacing the one with its ID if there is one.
  void Add(storagenode::TrustedSatellite satellite) {
    std::vector<storagenode::TrustedSatellite> next = *list_;
    auto it = FindIn(next, satellite.identity.id);
    if (it != next.end() && it->identity.id == satellite.identity.id) {
      *it = std::move(satellite);
    } else {
      next.insert(it, std::move(satellite));
    }
    list_ = std::make_shared<const std::vector<storagenode::TrustedSatellite>>(std::move(next));
  }
  void Remove(const NodeId& id) {
    std::vector<storagenode::TrustedSatellite> next = *list_;
    auto it = FindIn(next, id);
    if (it == next.end() || it->identity.id != id) return;
    next.erase(it);
    list_ = std::make_shared<const std::vector<storagenode::TrustedSatellite>>(std::move(next));
  }

  StatusOr<storagenode::TrustedSatellite> Lookup(const NodeId& id) override {
    auto it = FindIn(*list_, id);
    if (it == list_->end() || it->identity.id != id)
      return NotFoundError("satellite " + id.Short() + " is not trusted");
    return *it;
  }
  storagenode::SatelliteList List() override { return list_; }

 private:
  storagenode::SatelliteList list_ =
      std::make_shared<const std::vector<storagenode::TrustedSatellite>>();  // sorted by ID
};

}  // namespace testplanet::fakes

#endif  // TESTPLANET_FAKES_STATIC_TRUST_H_
