// TraceRecord: one thing that happened in a simulation, as the trace keeps it (see trace.h for
// the digest, record_log.h for how records are kept).
#ifndef TESTPLANET_SIM_TRACE_RECORD_H_
#define TESTPLANET_SIM_TRACE_RECORD_H_

#include <cstdint>

namespace testplanet {

// Index of a peer in the simulation (0 is the simulator itself); assigned in registration order.
using PeerId = std::uint32_t;
inline constexpr PeerId kSimulatorPeer = 0;

struct TraceRecord {
  std::int64_t time_ns;  // virtual time since the epoch
  std::uint64_t seq;     // the scheduler sequence of the event during which this was recorded
  PeerId peer;
  std::uint64_t kind;     // TraceKind::id
  std::uint64_t a, b, c;  // kind-specific fields (documented next to each kind)

  friend bool operator==(const TraceRecord&, const TraceRecord&) = default;
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_TRACE_RECORD_H_
