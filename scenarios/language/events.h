// The events a step may wait for (`step { on { event: "order.stored" ... } }`), each a kind of
// trace record seen from the scenario's side: what it means, whose it is, how it is matched.
//
// Defined once, here; `testplanet actions` lists them. A record matches an event when its kind
// is the event's, its peer is one the trigger selects, and the event's own test holds (an
// accepted settlement, the chore named).
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_EVENTS_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_EVENTS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "scenarios/planet/peer_ref.h"
#include "sim/trace.h"

namespace testplanet::scenario {

struct EventDef {
  std::string_view name;   // "order.stored"
  std::string_view doc;    // one line
  std::uint64_t kind;      // the trace kind it is
  std::string_view whose;  // whose records these are: "storage nodes", ...
  bool takes_chore;        // matched on a chore name (record field a)
  // Further test on the record (may be null): which of the kind's records count.
  bool (*matches)(const TraceRecord& record);
};

// Every event, in a fixed order.
const std::vector<EventDef>& Events();
// The event named `name`, or null.
const EventDef* FindEvent(std::string_view name);

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_EVENTS_H_
