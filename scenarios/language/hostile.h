// What hostile peers do, for the hostile steps (actions/replay_orders.cc, resubmit_orders.cc,
// forged_order.cc, extreme_limits.cc, boundary_clock.cc): read a node's orders as the harness,
// settle orders with a satellite over a node's own identity, ask for order limits as an uplink —
// always through the simulated network, as serialized bytes, as a real peer would.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_HOSTILE_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_HOSTILE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "peers/protocol/orders.pb.h"
#include "scenarios/language/run_context.h"

namespace testplanet::scenario {

// The orders storage node `node` holds for `satellite` — unsent ones, then archived ones (with
// `accepted_only`, only those archived as accepted) — soonest-expiring first, at most `max`.
// Read as an observation (no fault fires); none when the node is down.
std::vector<storagenode::OrderInfo> OrdersOf(Planet& planet, PeerRef node, PeerRef satellite,
                                             std::size_t max, bool unsent, bool accepted_only);

// Settles `requests` with `satellite` as storage node `node`, over the node's identity; returns
// the satellite's answers (one per order it answered).
Awaitable<StatusOr<std::vector<pb::SettlementResponse>>> SettleAs(
    Planet& planet, PeerRef node, PeerRef satellite, std::vector<pb::SettlementRequest> requests);

// Settles `requests` as SettleAs does and reports a violation for every order the satellite
// ACCEPTED: `why` says why each had to be refused. The work for RunContext::Spawn.
Awaitable<Status> SettleExpectingRefusal(RunContext& run, PeerRef node, PeerRef satellite,
                                         std::vector<pb::SettlementRequest> requests,
                                         std::string why);

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_HOSTILE_H_
