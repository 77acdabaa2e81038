// testplanet: run storage-network scenarios on one virtual clock; replay and compare runs.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

#include "scenarios/cli/commands.h"
#include "scenarios/planet/planted_bugs.h"

namespace {

constexpr const char* kAbout =
    "testplanet runs a whole storage network (satellites, storage nodes, uplinks) in one\n"
    "process on one virtual clock. A scenario file describes the planet, a timeline of traffic,\n"
    "chore control and network faults, and checks. The same scenario and seed always give the\n"
    "same run, to the last event.";

constexpr const char* kExamples =
    "\nExamples:\n"
    "  testplanet run scenarios/examples/steady_hourly_settlement.textproto\n"
    "  testplanet run scenarios/examples/*.textproto --out out/   # one junit.xml for all\n"
    "  testplanet run FILE --seed 7 --stop-at 36h                 # and print the state then\n"
    "  testplanet replay testplanet-out/run-1                     # same digest, or the first\n"
    "                                                             # event that differs\n"
    "  testplanet check-determinism FILE --seeds 10\n"
    "  testplanet sweep FILE --seeds 1..500 --jobs 2\n"
    "  testplanet sweep FILE --swarm --seeds 1..500               # each seed picks its faults\n"
    "  testplanet shrink testplanet-out/sweep-NAME/seed-17        # the smallest failing scenario\n"
    "\nA run directory holds scenario.textproto, manifest.json, summary.json, junit.xml,\n"
    "trace.json (open it in https://ui.perfetto.dev), timeline.svg, log.txt and trace.bin.\n"
    "Exit codes: 0 every check held, 1 a check or comparison failed, 2 bad input.\n";

const std::string kPlantedBugHelp = [] {
  std::string help = "Plant a bug on purpose, to see a sweep find it:";
  for (const testplanet::PlantedBug& bug : testplanet::PlantedBugs()) {
    help += "\n  " + std::string(bug.name) + " (" + std::string(bug.area) + "): " +
            std::string(bug.what);
  }
  return help;
}();

std::string SelfPath(const char* argv0) {
  std::error_code error;
  auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string(argv0) : self.string();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace testplanet::cli;
  CLI::App app{kAbout, "testplanet"};
  app.footer(kExamples);
  app.require_subcommand(1);
  app.set_version_flag("--version", "testplanet 0.1.0");

  RunCommand run;
  auto* run_cmd = app.add_subcommand("run", "Run scenario files; write a run directory for each");
  run_cmd->add_option("files", run.files, "Scenario files (.textproto)")
      ->required()
      ->check(CLI::ExistingFile);
  run_cmd->add_option("--seed", run.seed, "Root seed (default: the scenario's seed, else 1)");
  run_cmd->add_option("--out", run.out,
                      "Run directory (default: a fresh testplanet-out/run-N); with several files, "
                      "one subdirectory per scenario");
  run_cmd->add_option("--stop-at", run.stop_at,
                      "Stop at this virtual time (e.g. 36h) and print the planet's state");
  run_cmd->add_flag("--quiet", run.quiet, "One line per scenario; details only for failures");
  run_cmd->add_flag("--no-invariants", run.no_invariants,
                    "Do not check the order path's invariants as the run goes (faster)");
  run_cmd->add_option("--planted-bug", run.planted_bug, kPlantedBugHelp);

  RunCommand inspect;
  auto* inspect_cmd = app.add_subcommand(
      "inspect",
      "Run a scenario to a virtual time and print every node's orders, each chore's "
      "state and next tick, and the network faults in force");
  inspect_cmd->add_option("file", inspect.files, "Scenario file")
      ->required()
      ->check(CLI::ExistingFile);
  inspect_cmd->add_option("--at", inspect.stop_at, "Virtual time, e.g. 36h")->required();
  inspect_cmd->add_option("--seed", inspect.seed, "Root seed");
  inspect_cmd->add_option("--out", inspect.out, "Run directory");

  std::string replay_dir;
  auto* replay_cmd = app.add_subcommand(
      "replay",
      "Re-run a run directory; exit 0 iff the digest matches, else name the first "
      "event that differs");
  replay_cmd->add_option("dir", replay_dir, "A run directory (holds manifest.json)")->required();

  CheckDeterminismCommand check;
  auto* check_cmd =
      app.add_subcommand("check-determinism", "Run each seed twice and compare digests");
  check_cmd->add_option("file", check.file, "Scenario file")->required()->check(CLI::ExistingFile);
  check_cmd->add_option("--seeds", check.seeds, "How many seeds (default 5)")
      ->check(CLI::Range(1, 100000));
  check_cmd->add_option("--first-seed", check.first_seed, "The first seed (default 1)");

  SweepCommand sweep;
  auto* sweep_cmd = app.add_subcommand(
      "sweep",
      "Run many seeds as parallel processes; list failing seeds with their reproduce "
      "commands; write one JSON line per seed (shards merge by concatenation). Honours "
      "GTEST_TOTAL_SHARDS/GTEST_SHARD_INDEX, and JOB_COMPLETION_INDEX with --shards-total");
  sweep_cmd->add_option("file", sweep.file, "Scenario file")->required()->check(CLI::ExistingFile);
  sweep_cmd->add_option("--seeds", sweep.seeds, "Seed range A..B, inclusive")->required();
  sweep_cmd->add_option("--jobs", sweep.jobs, "Processes at once (default 2)");
  sweep_cmd->add_option("--shard", sweep.shard, "Run shard I of N (I/N): seeds A+I, A+I+N, ...");
  sweep_cmd->add_option("--shards-total", sweep.shards_total,
                        "Shard count when JOB_COMPLETION_INDEX gives the index");
  sweep_cmd->add_option("--report", sweep.report, "JSON-lines report (default: OUT/sweep.jsonl)");
  sweep_cmd->add_option("--out", sweep.out,
                        "Where run directories go (default testplanet-out/sweep-NAME)");
  sweep_cmd->add_flag("--swarm", sweep.swarm,
                      "Each seed also picks the fault mix and its rates (written to "
                      "OUT/seed-N.textproto and printed for failing seeds)");
  sweep_cmd->add_flag("--stop-at-first-failure", sweep.stop_at_first_failure,
                      "Start no more seeds once one has failed");
  sweep_cmd->add_option("--planted-bug", sweep.planted_bug, kPlantedBugHelp);

  ShrinkCommand shrink;
  auto* shrink_cmd = app.add_subcommand(
      "shrink",
      "Take a failing run directory and write the smallest scenario found that still fails "
      "the same way: fewer steps and checks, fewer peers, a shorter run");
  shrink_cmd->add_option("dir", shrink.directory, "A failing run directory")->required();
  shrink_cmd->add_option("--out", shrink.out, "The shrunk scenario (default DIR/shrunk.textproto)");
  shrink_cmd->add_option("--max-runs", shrink.max_runs, "Trial runs at most (default 300)")
      ->check(CLI::Range(1, 100000));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  }
  if (run_cmd->parsed()) return Run(run);
  if (inspect_cmd->parsed()) return Run(inspect);
  if (replay_cmd->parsed()) return Replay(replay_dir);
  if (check_cmd->parsed()) return CheckDeterminism(check);
  if (shrink_cmd->parsed()) return Shrink(shrink);
  if (sweep_cmd->parsed()) {
    sweep.self = SelfPath(argv[0]);
    return Sweep(sweep);
  }
  return kExitBadInput;
}
