// Peer selectors, the way scenario files name peers: one peer ("storagenode3"), every peer of a
// kind ("storagenode*"), or an inclusive range ("storagenode[0..1]"). They resolve to PeerRefs
// once, when a scenario loads.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_SELECTOR_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_SELECTOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "scenarios/planet/peer_ref.h"
#include "sim/status.h"

namespace testplanet::scenario {

// Returns the peers `selector` names on a planet of `counts`, in order, or INVALID_ARGUMENT
// saying why (not a selector, out of range, selects nothing).
StatusOr<std::vector<PeerRef>> ParseSelector(std::string_view selector, const PeerCounts& counts);

// The selector text for peers `first`..`last` of `kind` ("storagenode[1..3]", or
// "storagenode2" when first == last).
std::string RangeSelector(PeerKind kind, int first, int last);

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_SELECTOR_H_
