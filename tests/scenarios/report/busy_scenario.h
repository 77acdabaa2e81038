// Test scenario: three hours of two uplinks' uploads and downloads served while the nodes'
// senders settle, with dropped messages and a partition: concurrent work on one peer, RPCs,
// faults, and enough of them for several parts of a 64 KiB trace.json.
#ifndef TESTPLANET_TESTS_SCENARIOS_REPORT_BUSY_SCENARIO_H_
#define TESTPLANET_TESTS_SCENARIOS_REPORT_BUSY_SCENARIO_H_

namespace testplanet::report {

inline constexpr const char* kBusy = R"(
name: "busy"
duration: "3h"
planet {
  satellites: 1
  storage_nodes: 3
  uplinks: 2
  storage_node { sender_interval: "10m" }
  network { min_latency: "5ms" max_latency: "200ms" jitter: "50ms" }
}
step { at: "1m" traffic { uplink: 0 satellite: 0 every: "1m" until: "2h" size: 4096 download_previous: true } }
step { at: "1m" traffic { uplink: 1 satellite: 0 every: "47s" until: "2h" size: 2048 download_previous: true } }
step { at: "30m" messages { peer: "storagenode0" drop: 0.1 } }
step { at: "1h" partition { a: "storagenode1" b: "satellite0" } }
step { at: "1h20m" heal { a: "storagenode1" b: "satellite0" } }
)";

}  // namespace testplanet::report

#endif  // TESTPLANET_TESTS_SCENARIOS_REPORT_BUSY_SCENARIO_H_
