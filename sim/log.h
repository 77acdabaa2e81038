// Log: what peers say about themselves, stamped with virtual time.
//
// Production-shaped code logs what it would log in production ("settle satellite 1a2b: dial
// failed"). Lines keep the virtual time, the peer and a level; they go to an optional sink (the
// CLI writes log.txt through spdlog) and the most recent ones stay in memory for tests and
// failure reports. Logging never changes the simulation: lines are not part of the digest.
#ifndef TESTPLANET_SIM_LOG_H_
#define TESTPLANET_SIM_LOG_H_

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "sim/clock.h"
#include "sim/trace.h"
#include "sim/unique_function.h"

namespace testplanet {

enum class LogLevel : std::uint8_t { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
std::string_view LogLevelName(LogLevel level);

struct LogLine {
  TimePoint time;
  PeerId peer;
  LogLevel level;
  std::string message;
};

class Log {
 public:
  static constexpr std::size_t kKeptLines = 1000;

  void Write(TimePoint time, PeerId peer, LogLevel level, std::string message);
  // Sends every line from now on to `sink` as well.
  void SetSink(UniqueFunction<void(const LogLine&)> sink) { sink_ = std::move(sink); }
  // Lines at or above `level` are kept and sent; lower ones are only counted.
  void SetLevel(LogLevel level) { level_ = level; }

  // The most recent lines (at most kKeptLines), oldest first.
  const std::deque<LogLine>& recent() const { return recent_; }
  std::uint64_t count(LogLevel level) const { return counts_[static_cast<std::size_t>(level)]; }

 private:
  LogLevel level_ = LogLevel::kInfo;
  std::deque<LogLine> recent_;
  std::array<std::uint64_t, 4> counts_{};
  UniqueFunction<void(const LogLine&)> sink_;
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_LOG_H_
