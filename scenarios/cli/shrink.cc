// `testplanet shrink DIR`: the smallest scenario that still fails the way DIR's run failed,
// written as a file a person can read, rerun and commit as a regression test.
#include <cstdio>
#include <fstream>

#include "scenarios/cli/commands.h"
#include "scenarios/cli/interrupt.h"
#include "scenarios/cli/outputs.h"
#include "scenarios/language/loader.h"
#include "scenarios/language/shrink.h"
#include "scenarios/language/swarm.h"

namespace testplanet::cli {

// How a file shrink wrote begins: what lets a later shrink overwrite it.
constexpr std::string_view kShrunkStart = "# Shrunk by `testplanet shrink ";

int Shrink(const ShrinkCommand& command) {
  const std::string& dir = command.directory;
  auto opened = OpenRunDirectory(dir);
  if (!opened) return kExitBadInput;
  const scenario::Plan* loaded = &opened->plan;
  const std::string out = command.out.empty() ? dir + "/shrunk.textproto" : command.out;
  if (!Report(CheckOutputFile("--out", out, kShrunkStart))) return kExitBadInput;
  const scenario::RunOptions run = ReplayOptions(opened->manifest);
  scenario::ShrinkOptions options;
  options.seed = run.seed;
  options.planted_bug = run.planted_bug;
  options.invariants = run.invariants;
  options.stop_at = run.stop_at;
  options.budget = run.budget;
  options.max_runs = command.max_runs;
  options.scratch_directory = dir + "/shrink";
  InterruptWatch interrupts("stopping; the smallest failing scenario found so far is written");
  options.stop_requested = &InterruptWatch::Requested;

  std::printf("shrinking %s (seed %llu)...\n", dir.c_str(),
              static_cast<unsigned long long>(options.seed));
  auto shrunk = scenario::ShrinkScenario(*loaded, options);
  if (!shrunk.ok()) {
    std::fprintf(stderr, "testplanet: %s: %s\n", dir.c_str(),
                 std::string(shrunk.status().message()).c_str());
    switch (shrunk.status().code()) {
      case StatusCode::kFailedPrecondition:
        return kExitFailed;
      case StatusCode::kCancelled:
        return kExitInterrupted;
      default:
        return kExitBadInput;
    }
  }
  const std::string reproduce = "testplanet run " + out + RunFlagsText(run);
  char counts[256];
  std::snprintf(counts, sizeof(counts),
                "%d steps -> %d, %d checks -> %d, %d storage nodes -> %d, %s -> %s, in %d runs",
                shrunk->steps_before, shrunk->steps_after, shrunk->checks_before,
                shrunk->checks_after, shrunk->nodes_before, shrunk->nodes_after,
                shrunk->duration_before.c_str(), shrunk->duration_after.c_str(), shrunk->runs);
  // An interrupted shrink still found a scenario that fails the same way, only perhaps not
  // the smallest: worth keeping, and shrinking its own run goes on from there.
  const std::string stopped =
      shrunk->interrupted ? "interrupted before the end; shrinking its own run goes on" : "";
  const std::string header = "Shrunk by `testplanet shrink " + dir + "` (" + counts +
                             (stopped.empty() ? "" : "; " + stopped) +
                             ").\nFails with: " + shrunk->failure + "\nReproduce: " + reproduce;
  std::ofstream file(out, std::ios::trunc);
  file << scenario::ScenarioFileText(shrunk->spec, header);
  if (!file) {
    std::fprintf(stderr, "testplanet: cannot write %s\n", out.c_str());
    return kExitFailed;
  }
  std::printf("shrunk: %s\n  fails with: %s\n  wrote %s\n  reproduce: %s\n", counts,
              shrunk->failure.c_str(), out.c_str(), reproduce.c_str());
  if (shrunk->interrupted) {
    std::printf("  %s: run %s, then shrink its run directory\n", stopped.c_str(), out.c_str());
    return kExitInterrupted;
  }
  return kExitOk;
}

}  // namespace testplanet::cli
