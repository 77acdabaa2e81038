// Work: what the production-shaped code did that costs real time, counted: signatures made and
// checked, RocksDB reads, writes and scans, blob files written and read. A run's floor model
// (scenarios/cli/floor.h) multiplies each count by its measured unit cost: how fast the run could
// be if nothing but this work and the kernel's events took time.
// Promises: counting never changes what a run does; the counts are the same for the same seed.
// Trap: one tally per process (the identity and store code has no run to report to):
// RunScenario resets it when a run starts and takes it when the run ends, so two runs at once
// in one process would mix their counts (runs in one process go one after another).
#ifndef TESTPLANET_PEERS_WORK_H_
#define TESTPLANET_PEERS_WORK_H_

#include <cstdint>

namespace testplanet {

struct Work {
  std::uint64_t signatures = 0;     // Identity::Sign
  std::uint64_t verifications = 0;  // Identity::Verify, each an Ed25519 verification
  // Identity::Verify of a triple that verified before: a BLAKE2b hash (signature_memo.h).
  std::uint64_t verifications_remembered = 0;
  std::uint64_t db_reads = 0;     // Store::Get
  std::uint64_t db_writes = 0;    // Store::Write (a Put is a one-entry batch)
  std::uint64_t db_scans = 0;     // Store::Scan and ScanPrefix (each, not each entry)
  std::uint64_t blob_writes = 0;  // BlobStore::Put (a file written, synced and renamed)
  std::uint64_t blob_reads = 0;   // BlobStore::Get
};

// The process's tally.
Work& ProcessWork();

}  // namespace testplanet

#endif  // TESTPLANET_PEERS_WORK_H_
