// Reading a file a user named (a scenario) or one read back from a run directory (manifest.json,
// summary.json, trace.bin), safely: the path must be a regular file (a FIFO, a device or a
// directory would block or never end) no larger than `max_bytes`, both checked before the first
// byte is read. Errors name the path and say what it is instead.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_READ_FILE_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_READ_FILE_H_

#include <cstdint>
#include <string>

#include "sim/status.h"

namespace testplanet::scenario {

// Scenario files are written by people (or the swarm): 4 MiB is far beyond any of them.
inline constexpr std::uintmax_t kMaxScenarioFileBytes = 4u << 20;

// The file's bytes; NotFound when it cannot be opened, InvalidArgument when it is not a regular
// file or is larger than `max_bytes`.
StatusOr<std::string> ReadRegularFile(const std::string& path, std::uintmax_t max_bytes);

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_READ_FILE_H_
