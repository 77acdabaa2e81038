// Reading back what a run directory holds (manifest.json, summary.json), for replay, shrink and
// sweep. Every file is read as untrusted input: it must be a regular file of a sane size, and
// every field is checked for presence and type; an error names the file and the field
// ("run-1/manifest.json: seed: expected an unsigned integer, found a string").
#ifndef TESTPLANET_SCENARIOS_REPORT_READ_BACK_H_
#define TESTPLANET_SCENARIOS_REPORT_READ_BACK_H_

#include <cstdint>
#include <optional>
#include <string>

#include "scenarios/language/cost.h"
#include "scenarios/language/trace_level.h"
#include "scenarios/report/sweep_report.h"
#include "sim/status.h"

namespace testplanet::report {

// What manifest.json says about the run: everything needed to run it again the same way.
struct Manifest {
  std::string path;  // DIR/manifest.json
  std::string scenario;
  std::uint64_t seed = 0;
  std::string digest;         // 16 hex digits
  std::string scenario_hash;  // of scenario.textproto, as ScenarioHash computes it
  std::string planted_bug;    // "" for none
  scenario::TraceLevel trace_level = scenario::TraceLevel::kAll;  // the records trace.bin holds
  bool invariants = true;
  std::optional<Duration> stop_at;
  scenario::Budget budget;
  std::string build_id;
};

// manifest.json of run directory `directory`; INVALID_ARGUMENT naming the field when a field
// is missing or of the wrong type, NOT_FOUND when there is no manifest to read.
StatusOr<Manifest> ReadManifest(const std::string& directory);

// The digest, event count and failure (sweep_report.h) summary.json records.
struct SummaryDigest {
  std::string digest;
  std::uint64_t events = 0;
  double wall_seconds = 0;
  std::optional<RunFailure> failure;
};
StatusOr<SummaryDigest> ReadSummaryDigest(const std::string& directory);

}  // namespace testplanet::report

#endif  // TESTPLANET_SCENARIOS_REPORT_READ_BACK_H_
