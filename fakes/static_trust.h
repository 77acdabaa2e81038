// StaticTrust: a TrustSource from a fixed list of satellites, fed by the planet (or a test).
// The list is built once per change: a planet's nodes share one StaticTrust and list it on
// every contact run, a copy of four keys and addresses each time otherwise.
#ifndef TESTPLANET_FAKES_STATIC_TRUST_H_
#define TESTPLANET_FAKES_STATIC_TRUST_H_

#include <map>
#include <memory>
#include <vector>

#include "peers/storagenode/trust.h"

namespace testplanet::fakes {

class StaticTrust : public storagenode::TrustSource {
 public:
  void Add(storagenode::TrustedSatellite satellite) {
    satellites_[satellite.identity.id] = std::move(satellite);
    list_.reset();
  }
  void Remove(const NodeId& id) {
    satellites_.erase(id);
    list_.reset();
  }

  StatusOr<storagenode::TrustedSatellite> Lookup(const NodeId& id) override {
    auto it = satellites_.find(id);
    if (it == satellites_.end())
      return NotFoundError("satellite " + id.Short() + " is not trusted");
    return it->second;
  }
  std::shared_ptr<const std::vector<storagenode::TrustedSatellite>> List() override {
    if (list_ == nullptr) {
      auto list = std::make_shared<std::vector<storagenode::TrustedSatellite>>();
      list->reserve(satellites_.size());
      for (const auto& [id, satellite] : satellites_) list->push_back(satellite);
      list_ = std::move(list);
    }
    return list_;
  }

 private:
  std::map<NodeId, storagenode::TrustedSatellite> satellites_;  // ordered by ID
  // What List returns until the next Add or Remove; null when it must be built again.
  std::shared_ptr<const std::vector<storagenode::TrustedSatellite>> list_;
};

}  // namespace testplanet::fakes

#endif  // TESTPLANET_FAKES_STATIC_TRUST_H_
