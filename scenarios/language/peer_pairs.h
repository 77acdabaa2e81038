// Steps between two groups of peers (partition, heal, one_way, heal_one_way, clog): reading
// the groups `a` and `b`, and visiting every pair of different peers, a then b.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_PEER_PAIRS_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_PEER_PAIRS_H_

#include <utility>
#include <vector>

#include "scenarios/language/field_reader.h"

namespace testplanet::scenario {

struct PeerPairs {
  std::vector<PeerRef> a, b;

  // Calls `fn(a, b)` for each a in `a` and b in `b` that are different peers, in order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const PeerRef& x : a) {
      for (const PeerRef& y : b) {
        if (x != y) fn(x, y);
      }
    }
  }
};

// Reads the selectors in fields `a` and `b` of the message `in` reads.
inline StatusOr<PeerPairs> ReadPeerPairs(FieldReader& in) {
  auto a = in.ReadPeers("a", {});
  if (!a.ok()) return a.status();
  auto b = in.ReadPeers("b", {});
  if (!b.ok()) return b.status();
  return PeerPairs{std::move(*a), std::move(*b)};
}

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_PEER_PAIRS_H_
