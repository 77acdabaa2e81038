// `testplanet replay DIR` and `testplanet check-determinism FILE`: run again, compare digests,
// and name the first event that differs.
#include <cstdint>
#include <cstdio>
#include <optional>

#include "scenarios/cli/commands.h"
#include "scenarios/cli/interrupt.h"
#include "scenarios/cli/outputs.h"
#include "scenarios/language/loader.h"
#include "scenarios/language/runner.h"
#include "scenarios/report/read_back.h"
#include "scenarios/report/reports.h"

namespace testplanet::cli {

void PrintDivergence(std::uint64_t index, const RecordLog& expected, const RecordLog& found,
                     const scenario::RunResult& run) {
  std::printf("first difference at record #%llu:\n", static_cast<unsigned long long>(index));
  if (auto record = expected.At(index)) {
    std::printf("  expected %s\n",
                report::DescribeRecord(index, *record, run.peer_names, run.names).c_str());
  } else {
    std::printf("  expected the trace to end (it had %llu records)\n",
                static_cast<unsigned long long>(expected.size()));
  }
  if (auto record = found.At(index)) {
    std::printf("  found    %s\n",
                report::DescribeRecord(index, *record, run.peer_names, run.names).c_str());
  } else {
    std::printf("  found    the end of the trace (%llu records)\n",
                static_cast<unsigned long long>(found.size()));
  }
}

// The run directory's manifest and scenario, checked against each other: the scenario must be
// the one that ran (its hash), and the planted bug one this build can plant. Prints why not.
std::optional<RunDirectory> OpenRunDirectory(const std::string& directory) {
  auto manifest = report::ReadManifest(directory);
  if (!Report(manifest.status())) return std::nullopt;
  auto loaded = scenario::LoadScenarioFile(directory + "/scenario.textproto");
  if (!Report(loaded.status())) return std::nullopt;
  if (manifest->scenario_hash != report::ScenarioHash(*loaded)) {
    std::fprintf(stderr,
                 "testplanet: %s/scenario.textproto no longer matches the manifest's scenario "
                 "hash; it was edited after the run\n",
                 directory.c_str());
    return std::nullopt;
  }
  if (!CheckPlantedBug(manifest->planted_bug)) return std::nullopt;
  return RunDirectory{std::move(*manifest), std::move(*loaded)};
}

scenario::RunOptions ReplayOptions(const report::Manifest& manifest) {
  scenario::RunOptions options;
  options.seed = manifest.seed;
  options.planted_bug = manifest.planted_bug;
  options.invariants = manifest.invariants;
  options.trace_level = manifest.trace_level;
  options.stop_at = manifest.stop_at;
  options.budget = manifest.budget;
  return options;
}

int Replay(const std::string& directory) {
  auto opened = OpenRunDirectory(directory);
  if (!opened) return kExitBadInput;
  const report::Manifest& manifest = opened->manifest;
  const scenario::Plan* loaded = &opened->plan;
  const std::uint64_t seed = manifest.seed;
  const std::string& expected_digest = manifest.digest;
  if (manifest.build_id != report::BuildId()) {
    std::printf("note: recorded by build %s, replaying with build %s\n", manifest.build_id.c_str(),
                report::BuildId().c_str());
  }
  scenario::RunOptions options = ReplayOptions(manifest);
  options.run_directory = directory + "/replay";
  if (!Report(scenario::CheckRunDirectory(*loaded, options))) return kExitBadInput;
  // Ctrl-C stops the replay: a part of a run is not compared.
  InterruptWatch interrupts("stopping the replay; nothing is compared");
  options.stop_requested = &InterruptWatch::Requested;
  scenario::RunResult run = scenario::RunScenario(*loaded, options);
  if (run.interrupted) {
    std::printf("replay interrupted at %s: nothing compared\n",
                FormatTime(TimePoint(*run.stop_at)).c_str());
    return kExitInterrupted;
  }
  const std::string digest = Trace::FormatDigest(run.digest);
  if (digest == expected_digest) {
    std::printf("replay matches: %s seed %llu digest %s (%llu records)\n", run.scenario.c_str(),
                static_cast<unsigned long long>(seed), digest.c_str(),
                static_cast<unsigned long long>(run.record_count));
    return kExitOk;
  }
  std::printf("replay DIVERGES: %s seed %llu: digest %s, recorded %s\n", run.scenario.c_str(),
              static_cast<unsigned long long>(seed), digest.c_str(), expected_digest.c_str());
  auto recorded = report::ReadRecords(directory + "/trace.bin");
  if (!recorded.ok()) {
    std::printf("(no recorded trace to compare: %s)\n", recorded.status().ToString().c_str());
    return kExitFailed;
  }
  if (auto index = report::FirstDifference(*recorded, run.records)) {
    PrintDivergence(*index, *recorded, run.records, run);
  }
  return kExitFailed;
}

// Where check-determinism's runs keep their databases (scenarios on disk), one run at a time.
constexpr const char* kCheckDeterminismDirectory = "testplanet-out/check-determinism";

int CheckDeterminism(const CheckDeterminismCommand& command) {
  const auto first_seed = ParseSeedFlag("--first-seed", command.first_seed);
  if (!first_seed) return kExitBadInput;
  if (command.seeds - 1 > UINT64_MAX - *first_seed) {
    std::fprintf(stderr,
                 "testplanet: --first-seed %s with --seeds %llu runs past the largest seed, "
                 "2^64-1\n",
                 command.first_seed.c_str(), static_cast<unsigned long long>(command.seeds));
    return kExitBadInput;
  }
  const auto budget = ResolveBudget(command.budget);
  if (!budget) return kExitBadInput;
  auto plans = LoadWithinBudget({command.file}, *budget);
  if (!plans) return kExitBadInput;
  const scenario::Plan* loaded = &plans->front();
  {
    scenario::RunOptions options;
    options.run_directory = kCheckDeterminismDirectory;
    if (Status s = scenario::CheckRunDirectory(*loaded, options); !s.ok()) {
      std::fprintf(stderr, "testplanet: %s: %s\n", loaded->path.c_str(),
                   std::string(s.message()).c_str());
      return kExitBadInput;
    }
  }
  InterruptWatch interrupts("stopping; the seeds compared so far are reported");
  int mismatches = 0;
  std::uint64_t compared = 0;
  for (; compared < command.seeds; ++compared) {
    const std::uint64_t seed = *first_seed + compared;  // checked above: no wrap
    scenario::RunOptions options;
    options.seed = seed;
    options.budget = *budget;
    options.run_directory = kCheckDeterminismDirectory;
    options.stop_requested = &InterruptWatch::Requested;
    const scenario::RunResult first = scenario::RunScenario(*loaded, options);
    const scenario::RunResult second =
        first.interrupted ? scenario::RunResult{} : scenario::RunScenario(*loaded, options);
    if (first.interrupted || second.interrupted) {
      std::printf("interrupted: seed %llu not compared\n", static_cast<unsigned long long>(seed));
      break;
    }
    const bool same = first.digest == second.digest && first.record_count == second.record_count;
    std::printf("%s %s seed %llu: %s %s (%llu records)\n", same ? "same" : "DIFFERENT",
                first.scenario.c_str(), static_cast<unsigned long long>(seed),
                Trace::FormatDigest(first.digest).c_str(),
                same ? "" : Trace::FormatDigest(second.digest).c_str(),
                static_cast<unsigned long long>(first.record_count));
    // Two runs that end in the same error are deterministic, but the user should know.
    if (!first.status.ok()) std::printf("  run error: %s\n", first.status.ToString().c_str());
    if (!same) {
      ++mismatches;
      if (auto index = report::FirstDifference(first.records, second.records)) {
        PrintDivergence(*index, first.records, second.records, second);
      }
    }
  }
  if (compared < command.seeds) {
    std::printf("%d of %llu seeds diverged; %llu not compared\n", mismatches,
                static_cast<unsigned long long>(compared),
                static_cast<unsigned long long>(command.seeds - compared));
    return kExitInterrupted;
  }
  std::printf("%d of %llu seeds diverged\n", mismatches,
              static_cast<unsigned long long>(command.seeds));
  return mismatches == 0 ? kExitOk : kExitFailed;
}

}  // namespace testplanet::cli
