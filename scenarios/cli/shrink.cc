// `testplanet shrink DIR`: the smallest scenario that still fails the way DIR's run failed,
// written as a file a person can read, rerun and commit as a regression test.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "scenarios/cli/commands.h"
#include "scenarios/language/loader.h"
#include "scenarios/language/shrink.h"
#include "scenarios/language/swarm.h"

namespace testplanet::cli {

int Shrink(const ShrinkCommand& command) {
  const std::string& dir = command.directory;
  std::ifstream in(dir + "/manifest.json");
  if (!in) {
    std::fprintf(stderr, "testplanet: %s/manifest.json: cannot read (is this a run directory?)\n",
                 dir.c_str());
    return kExitBadInput;
  }
  nlohmann::json manifest;
  try {
    in >> manifest;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "testplanet: %s/manifest.json: %s\n", dir.c_str(), e.what());
    return kExitBadInput;
  }
  if (!manifest.contains("seed") || !manifest["seed"].is_number_unsigned()) {
    std::fprintf(stderr, "testplanet: %s/manifest.json: seed: a number is required\n", dir.c_str());
    return kExitBadInput;
  }
  auto loaded = scenario::LoadScenarioFile(dir + "/scenario.textproto");
  if (!loaded.ok()) {
    std::fprintf(stderr, "testplanet: %s\n", std::string(loaded.status().message()).c_str());
    return kExitBadInput;
  }
  scenario::ShrinkOptions options;
  options.seed = manifest["seed"].get<std::uint64_t>();
  options.planted_bug = manifest.value("planted_bug", "");
  options.invariants = manifest.value("invariants", true);
  options.max_runs = command.max_runs;
  options.scratch_directory = dir + "/shrink";
  if (!CheckPlantedBug(options.planted_bug)) return kExitBadInput;

  std::printf("shrinking %s (seed %llu)...\n", dir.c_str(),
              static_cast<unsigned long long>(options.seed));
  auto shrunk = scenario::ShrinkScenario(*loaded, options);
  if (!shrunk.ok()) {
    std::fprintf(stderr, "testplanet: %s: %s\n", dir.c_str(),
                 std::string(shrunk.status().message()).c_str());
    return shrunk.status().code() == StatusCode::kFailedPrecondition ? kExitFailed : kExitBadInput;
  }
  const std::string out = command.out.empty() ? dir + "/shrunk.textproto" : command.out;
  const std::string reproduce = "testplanet run " + out + PlantedBugFlag(options.planted_bug);
  char counts[256];
  std::snprintf(counts, sizeof(counts),
                "%d steps -> %d, %d checks -> %d, %d storage nodes -> %d, %s -> %s, in %d runs",
                shrunk->steps_before, shrunk->steps_after, shrunk->checks_before,
                shrunk->checks_after, shrunk->nodes_before, shrunk->nodes_after,
                shrunk->duration_before.c_str(), shrunk->duration_after.c_str(), shrunk->runs);
  const std::string header = "Shrunk by `testplanet shrink " + dir + "` (" + counts +
                             ").\nFails with: " + shrunk->failure + "\nReproduce: " + reproduce;
  std::ofstream file(out, std::ios::trunc);
  file << scenario::ScenarioFileText(shrunk->spec, header);
  if (!file) {
    std::fprintf(stderr, "testplanet: cannot write %s\n", out.c_str());
    return kExitFailed;
  }
  std::printf("shrunk: %s\n  fails with: %s\n  wrote %s\n  reproduce: %s\n", counts,
              shrunk->failure.c_str(), out.c_str(), reproduce.c_str());
  return kExitOk;
}

}  // namespace testplanet::cli
