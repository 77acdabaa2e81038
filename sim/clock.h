// Virtual time: the only clock that code under simulation may read.
//
// VirtualClock is a std::chrono clock type (nanosecond ticks, int64) without a static now():
// "now" belongs to a Simulator, never to a global, so two simulations in one process never
// share time. Virtual time 0 is the fixed epoch kEpoch (2020-01-01T00:00:00Z), which peers
// use wherever production code would read a wall clock (order expirations, say).
// Promises: time only moves when the scheduler moves it; it never goes backwards.
#ifndef TESTPLANET_SIM_CLOCK_H_
#define TESTPLANET_SIM_CLOCK_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/status.h"

namespace testplanet {

struct VirtualClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::duration<rep, period>;
  using time_point = std::chrono::time_point<VirtualClock, duration>;
  static constexpr bool is_steady = true;
};

using Duration = VirtualClock::duration;
using TimePoint = VirtualClock::time_point;

// Seconds since the Unix epoch of virtual time 0.
inline constexpr std::int64_t kEpochUnixSeconds = 1577836800;  // 2020-01-01T00:00:00Z

// The largest representable instant; used as "no deadline".
inline constexpr TimePoint kTimeInfinity = TimePoint::max();

// Returns the Unix time in nanoseconds of virtual instant `t`.
inline constexpr std::int64_t ToUnixNanos(TimePoint t) {
  return kEpochUnixSeconds * 1'000'000'000 + t.time_since_epoch().count();
}

// Formats a duration the way Go does ("1h30m0s", "250ms", "-1ns", "0s").
std::string FormatDuration(Duration d);

// Parses a Go-style duration: "1h30m", "250ms", "1.5s", "-2m", "0". Units: ns, us, ms, s, m, h.
// Returns INVALID_ARGUMENT with the reason for anything else (or for an overflow).
StatusOr<Duration> ParseDuration(std::string_view text);

// Formats a virtual instant as its offset from the epoch, e.g. "+1h30m0s".
std::string FormatTime(TimePoint t);

}  // namespace testplanet

#endif  // TESTPLANET_SIM_CLOCK_H_
