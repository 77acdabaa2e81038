// The transfers scenario steps make: an uplink storing or fetching one object through a
// satellite, as a coroutine the run spawns (RunContext::Spawn counts how they end).
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_TRANSFERS_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_TRANSFERS_H_

#include <cstdint>
#include <string>

#include "scenarios/language/field_reader.h"
#include "scenarios/language/run_context.h"

namespace testplanet::scenario {

// Uplink `uplink` stores `size` bytes as `bucket`/`path` on `nodes` nodes via `satellite`.
Awaitable<Status> UploadObject(Planet& planet, int uplink, int satellite, std::string bucket,
                               std::string path, std::int64_t size, int nodes);
// Uplink `uplink` fetches `bucket`/`path` via `satellite`.
Awaitable<Status> DownloadObject(Planet& planet, int uplink, int satellite, std::string bucket,
                                 std::string path);

// Which uplink moves an object, through which satellite: fields `uplink` and `satellite`.
struct TransferEnds {
  int uplink = 0;
  int satellite = 0;
};
StatusOr<TransferEnds> ReadTransferEnds(FieldReader& in);

// How big an object is and on how many nodes it is stored: fields `size` (1 byte to 64 MiB,
// default 4096) and `nodes` (default 4, at most the planet's).
struct ObjectShape {
  std::int64_t size = 0;
  int nodes = 0;
};
StatusOr<ObjectShape> ReadObjectShape(FieldReader& in);

// The cost (cost.h) of storing one object of `size` bytes on `nodes` nodes, and of fetching it
// back when `download` is set.
StepCost TransferCost(std::int64_t size, int nodes, bool download);

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_TRANSFERS_H_
