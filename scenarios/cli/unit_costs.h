// MeasureUnitCosts: what one of each kind of work costs on this machine (report::UnitCosts), timed
// on the real clock in this process: a bare heap's events, Ed25519 signatures and verifications
// of an order-sized message, and point reads, one-entry writes and short prefix scans of an
// in-memory RocksDB store configured as the peers' are. Takes about a tenth of a second; the
// command measures once per process, and not for a sweep's lean seeds.
#ifndef TESTPLANET_SCENARIOS_CLI_UNIT_COSTS_H_
#define TESTPLANET_SCENARIOS_CLI_UNIT_COSTS_H_

#include "scenarios/report/floor.h"

namespace testplanet::cli {

report::UnitCosts MeasureUnitCosts();

}  // namespace testplanet::cli

#endif  // TESTPLANET_SCENARIOS_CLI_UNIT_COSTS_H_
