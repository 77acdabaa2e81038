// The floor model of a run: how fast it could be if only the work it drove took time. Each kind
// of work the run did (kernel events; signatures and verifications; RocksDB reads, writes and
// scans; blob files: peers/work.h) times what one costs on this machine (UnitCosts, measured in the
// same process by the command: scenarios/cli/unit_costs.h). summary.json reports the floor beside
// the wall time; their ratio is what the harness and the peers' other code add. Trap: a floor, not
// an estimate — protobuf, the simulated network, coroutines and the reports are left out on
// purpose, so a run never reaches it.
#ifndef TESTPLANET_SCENARIOS_REPORT_FLOOR_H_
#define TESTPLANET_SCENARIOS_REPORT_FLOOR_H_

#include "scenarios/language/runner.h"

namespace testplanet::report {

// Nanoseconds for one of each, on this machine.
struct UnitCosts {
  double event_ns = 0;       // a (time, seq) pushed to and popped from a bare binary heap
  double sign_ns = 0;        // an Ed25519 signature of an order-sized message
  double verify_ns = 0;      // its verification
  double db_read_ns = 0;     // a RocksDB point read
  double db_write_ns = 0;    // a one-entry RocksDB write batch, without fsync (as the peers')
  double db_scan_ns = 0;     // a RocksDB prefix scan of a few entries
  double blob_write_ns = 0;  // a piece-sized blob written, synced and renamed (BlobStore::Put)
  double blob_read_ns = 0;   // and read back
};

// The floor of `result`, in seconds.
double FloorSeconds(const scenario::RunResult& result, const UnitCosts& costs);

}  // namespace testplanet::report

#endif  // TESTPLANET_SCENARIOS_REPORT_FLOOR_H_
