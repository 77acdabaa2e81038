#include "sim/log.h"

namespace testplanet {

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarn:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?";
}

void Log::Write(TimePoint time, PeerId peer, LogLevel level, std::string message) {
  ++counts_[static_cast<std::size_t>(level)];
  if (level < level_) return;
  LogLine line{time, peer, level, std::move(message)};
  if (sink_) sink_(line);
  recent_.push_back(std::move(line));
  if (recent_.size() > kKeptLines) recent_.pop_front();
}

}  // namespace testplanet
