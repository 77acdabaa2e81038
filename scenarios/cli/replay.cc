// `testplanet replay DIR` and `testplanet check-determinism FILE`: run again, compare digests,
// and name the first event that differs.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "scenarios/cli/commands.h"
#include "scenarios/language/loader.h"
#include "scenarios/language/runner.h"
#include "scenarios/report/reports.h"

namespace testplanet::cli {

void PrintDivergence(std::size_t index, const std::vector<TraceRecord>& expected,
                     const std::vector<TraceRecord>& found, const scenario::RunResult& run) {
  std::printf("first difference at record #%zu:\n", index);
  if (index < expected.size()) {
    std::printf("  expected %s\n",
                report::DescribeRecord(index, expected[index], run.peer_names, run.names).c_str());
  } else {
    std::printf("  expected the trace to end (it had %zu records)\n", expected.size());
  }
  if (index < found.size()) {
    std::printf("  found    %s\n",
                report::DescribeRecord(index, found[index], run.peer_names, run.names).c_str());
  } else {
    std::printf("  found    the end of the trace (%zu records)\n", found.size());
  }
}

int Replay(const std::string& directory) {
  std::ifstream in(directory + "/manifest.json");
  if (!in) {
    std::fprintf(stderr, "testplanet: %s/manifest.json: cannot read (is this a run directory?)\n",
                 directory.c_str());
    return kExitBadInput;
  }
  nlohmann::json manifest;
  try {
    in >> manifest;
  } catch (const nlohmann::json::exception& e) {
    std::fprintf(stderr, "testplanet: %s/manifest.json: %s\n", directory.c_str(), e.what());
    return kExitBadInput;
  }
  if (!manifest.contains("seed") || !manifest.contains("digest") ||
      !manifest["seed"].is_number_unsigned() || !manifest["digest"].is_string()) {
    std::fprintf(stderr, "testplanet: %s/manifest.json: seed and digest are required\n",
                 directory.c_str());
    return kExitBadInput;
  }
  const std::uint64_t seed = manifest["seed"].get<std::uint64_t>();
  const std::string expected_digest = manifest["digest"].get<std::string>();
  auto loaded = scenario::LoadScenarioFile(directory + "/scenario.textproto");
  if (!loaded.ok()) {
    std::fprintf(stderr, "testplanet: %s\n", std::string(loaded.status().message()).c_str());
    return kExitBadInput;
  }
  if (manifest.value("scenario_hash", "") != report::ScenarioHash(*loaded)) {
    std::fprintf(stderr,
                 "testplanet: %s/scenario.textproto no longer matches the manifest's scenario "
                 "hash; it was edited after the run\n",
                 directory.c_str());
    return kExitBadInput;
  }
  if (manifest.value("build_id", "") != report::BuildId()) {
    std::printf("note: recorded by build %s, replaying with build %s\n",
                manifest.value("build_id", "?").c_str(), report::BuildId().c_str());
  }
  scenario::RunOptions options;
  options.seed = seed;
  options.run_directory = directory + "/replay";
  options.planted_bug = manifest.value("planted_bug", "");
  options.invariants = manifest.value("invariants", true);
  if (!CheckPlantedBug(options.planted_bug)) return kExitBadInput;
  scenario::RunResult run = scenario::RunScenario(*loaded, options);
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
  auto loaded = scenario::LoadScenarioFile(command.file);
  if (!loaded.ok()) {
    std::fprintf(stderr, "testplanet: %s\n", std::string(loaded.status().message()).c_str());
    return kExitBadInput;
  }
  {
    scenario::RunOptions options;
    options.run_directory = kCheckDeterminismDirectory;
    if (Status s = scenario::CheckRunDirectory(*loaded, options); !s.ok()) {
      std::fprintf(stderr, "testplanet: %s: %s\n", loaded->path.c_str(),
                   std::string(s.message()).c_str());
      return kExitBadInput;
    }
  }
  int mismatches = 0;
  for (std::uint64_t seed = command.first_seed; seed < command.first_seed + command.seeds; ++seed) {
    scenario::RunOptions options;
    options.seed = seed;
    options.run_directory = kCheckDeterminismDirectory;
    const scenario::RunResult first = scenario::RunScenario(*loaded, options);
    const scenario::RunResult second = scenario::RunScenario(*loaded, options);
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
  std::printf("%d of %llu seeds diverged\n", mismatches,
              static_cast<unsigned long long>(command.seeds));
  return mismatches == 0 ? kExitOk : kExitFailed;
}

}  // namespace testplanet::cli
