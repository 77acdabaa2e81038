// The testplanet command line: each subcommand's flags (CLI11), the checks CLI11 does not make
// (unknown words, with the near miss), and dispatch to the subcommand.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/cli/command_line.h"
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
    "  testplanet sweep FILE --seeds 1..500 --determinism         # each seed twice, compared\n"
    "  testplanet sweep FILE --seeds 1..100000 --time-budget 10m  # as many seeds as 10 min allow\n"
    "  testplanet merge shard-*/sweep.jsonl --out merged          # shards into one sweep\n"
    "  testplanet shrink testplanet-out/sweep-NAME/seed-17        # the smallest failing scenario\n"
    "  testplanet actions                                         # every step, check and event\n"
    "\nA run directory holds report.html (open it first), scenario.textproto, manifest.json,\n"
    "summary.json, junit.xml, trace.json (https://ui.perfetto.dev; past 256 MiB the run's later\n"
    "windows go on in trace.2.json, trace.3.json, ...), timeline.svg, log.txt, trace.bin.\n"
    "A sweep keeps only its failing seeds' directories (--keep-passing keeps all).\n"
    "Ctrl-C (or SIGTERM) stops a run at the instant it reached and still writes its run\n"
    "directory, the same run as --stop-at that instant (a sweep: no more seeds, its reports\n"
    "written; a shrink: the smallest failing scenario found so far written; replay and\n"
    "check-determinism: what they compared); a second Ctrl-C quits at once.\n"
    "Exit codes: 0 every check held, 1 a check or comparison failed, 2 bad input, 130\n"
    "interrupted (what ran is written).\n";

const std::string kPlantedBugHelp = [] {
  std::string help = "Plant a bug on purpose, to see a sweep find it:";
  for (const testplanet::PlantedBug& bug : testplanet::PlantedBugs()) {
    help += "\n  " + std::string(bug.name) + " (" + std::string(bug.area) +
            "): " + std::string(bug.what);
  }
  return help;
}();

std::string SelfPath(const char* argv0) {
  std::error_code error;
  auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string(argv0) : self.string();
}

// The budget flags (cost.h), on every command that runs scenarios.
void AddBudget(CLI::App& cmd, testplanet::cli::BudgetFlags& budget) {
  cmd.add_option("--max-events", budget.max_events,
                 "Refuse a scenario estimated to fire more events, and stop a run that does "
                 "(default 50000000)");
  cmd.add_option("--max-memory", budget.max_memory,
                 "Refuse a scenario estimated to hold more memory, e.g. 16GiB (default 8GiB)");
}

// Each subcommand: its options on `app`, and what runs when it was given.
using Subcommand = std::pair<CLI::App*, std::function<int()>>;

Subcommand AddRun(CLI::App& app, testplanet::cli::RunCommand& run) {
  auto* cmd = app.add_subcommand("run", "Run scenario files; write a run directory for each");
  cmd->add_option("files", run.files, "Scenario files (.textproto)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--seed", run.seed, "Root seed, 0 to 2^64-1 (default: the scenario's seed)");
  cmd->add_option("--out", run.out,
                  "Run directory (default: a fresh testplanet-out/run-N); with several files, "
                  "one subdirectory per scenario");
  cmd->add_option("--stop-at", run.stop_at,
                  "Stop at this virtual time (e.g. 36h) and print the planet's state (its first 60 "
                  "lines; all of it in the run directory's inspect.txt)");
  cmd->add_flag("--quiet", run.quiet, "One line per scenario; details only for failures");
  cmd->add_flag("--no-invariants", run.no_invariants,
                "Do not check the order path's invariants as the run goes (faster)");
  cmd->add_flag("--determinism", run.determinism,
                "Run each scenario twice in this process and fail (exit 1) if the digests differ, "
                "naming the first record that does");
  cmd->add_option("--planted-bug", run.planted_bug, kPlantedBugHelp);
  cmd->add_option("--trace", run.trace,
                  "The trace records to keep for the reports and trace.bin: all (default), or "
                  "chores: chore runs, faults, checks and crashes only, for big planets (the "
                  "same digest; the reports then have no RPC spans and no orders backlog)");
  cmd->add_flag("--lean", run.lean,
                "Write what a sweep keeps: for a passing run only manifest.json and "
                "summary.json; for a failing one everything but trace.json");
  AddBudget(*cmd, run.budget);
  return {cmd, [&run] { return testplanet::cli::Run(run); }};
}

Subcommand AddInspect(CLI::App& app, testplanet::cli::RunCommand& inspect) {
  auto* cmd = app.add_subcommand(
      "inspect",
      "Run a scenario to a virtual time and print every node's orders, each chore's "
      "state and next tick, and the network faults in force");
  cmd->add_option("file", inspect.files, "Scenario file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--at", inspect.stop_at, "Virtual time, e.g. 36h")->required();
  cmd->add_option("--seed", inspect.seed, "Root seed, 0 to 2^64-1");
  cmd->add_option("--out", inspect.out, "Run directory");
  AddBudget(*cmd, inspect.budget);
  inspect.stop_flag = "--at";
  return {cmd, [&inspect] { return testplanet::cli::Run(inspect); }};
}

Subcommand AddReplay(CLI::App& app, std::string& directory) {
  auto* cmd = app.add_subcommand(
      "replay",
      "Re-run a run directory; exit 0 iff the digest matches, else name the first "
      "event that differs");
  cmd->add_option("dir", directory, "A run directory (holds manifest.json)")->required();
  return {cmd, [&directory] { return testplanet::cli::Replay(directory); }};
}

Subcommand AddCheckDeterminism(CLI::App& app, testplanet::cli::CheckDeterminismCommand& check) {
  auto* cmd = app.add_subcommand(
      "check-determinism",
      "Run each seed twice in this process and compare digests (pointers differ between the "
      "runs, so an order that follows them shows)");
  cmd->add_option("file", check.file, "Scenario file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--seeds", check.seeds, "How many seeds (default 5)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--first-seed", check.first_seed, "The first seed (default 1)");
  AddBudget(*cmd, check.budget);
  return {cmd, [&check] { return testplanet::cli::CheckDeterminism(check); }};
}

Subcommand AddSweep(CLI::App& app, testplanet::cli::SweepCommand& sweep, const char* argv0) {
  auto* cmd = app.add_subcommand(
      "sweep",
      "Run many seeds as parallel processes. Writes OUT/sweep.jsonl (a line per seed, in seed "
      "order, with each failure and its signature), OUT/junit.xml (a test case per failure "
      "signature), OUT/index.html, and the failing seeds' run directories (all but "
      "trace.json); groups failures "
      "by signature with a reproduce command each; appends a summary to $GITHUB_STEP_SUMMARY "
      "when set. Re-running into the same OUT clears it first. Honours "
      "GTEST_TOTAL_SHARDS/GTEST_SHARD_INDEX, and JOB_COMPLETION_INDEX with --shards-total");
  cmd->add_option("file", sweep.file, "Scenario file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--seeds", sweep.seeds, "Seed range A..B, inclusive")->required();
  cmd->add_option("--jobs", sweep.jobs, "Processes at once (default 2)");
  cmd->add_option("--shard", sweep.shard, "Run shard I of N (I/N): seeds A+I, A+I+N, ...");
  cmd->add_option("--shards-total", sweep.shards_total,
                  "Shard count when JOB_COMPLETION_INDEX gives the index");
  cmd->add_option("--report", sweep.report, "JSON-lines report (default: OUT/sweep.jsonl)");
  cmd->add_option("--out", sweep.out,
                  "Where run directories go (default testplanet-out/sweep-NAME)");
  cmd->add_flag("--swarm", sweep.swarm,
                "Each seed also picks the planet's configuration and its actions (written to "
                "OUT/seed-N.textproto and printed for failing seeds)");
  cmd->add_flag("--determinism", sweep.determinism,
                "Run each seed twice in its process and fail it if the digests differ");
  cmd->add_flag("--stop-at-first-failure", sweep.stop_at_first_failure,
                "Start no more seeds once one has failed");
  cmd->add_flag("--keep-passing", sweep.keep_passing,
                "Keep every seed's run directory (default: only failing seeds'; a passing seed "
                "is its reproduce command)");
  cmd->add_option("--time-budget", sweep.time_budget,
                  "Start seeds until this much wall time is spent (10m, 1h), then report: the "
                  "range is an upper bound");
  cmd->add_option("--planted-bug", sweep.planted_bug, kPlantedBugHelp);
  AddBudget(*cmd, sweep.budget);
  return {cmd, [&sweep, argv0] {
            sweep.self = SelfPath(argv0);
            return testplanet::cli::Sweep(sweep);
          }};
}

Subcommand AddMerge(CLI::App& app, testplanet::cli::MergeCommand& merge) {
  auto* cmd = app.add_subcommand(
      "merge",
      "Merge the sweep.jsonl reports of a sweep's shards into one sweep: OUT/sweep.jsonl in "
      "seed order, junit.xml, index.html (linking each kept run found beside its shard's "
      "report), failures grouped by signature; $GITHUB_STEP_SUMMARY when set");
  cmd->add_option("reports", merge.reports, "Shard reports (sweep.jsonl files)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", merge.out,
                  "Where the merged reports go (default testplanet-out/merged)");
  return {cmd, [&merge] { return testplanet::cli::Merge(merge); }};
}

Subcommand AddShrink(CLI::App& app, testplanet::cli::ShrinkCommand& shrink) {
  auto* cmd = app.add_subcommand(
      "shrink",
      "Take a failing run directory and write the smallest scenario found that still fails "
      "the same way: fewer steps and checks, fewer peers, a shorter run");
  cmd->add_option("dir", shrink.directory, "A failing run directory")->required();
  cmd->add_option("--out", shrink.out, "The shrunk scenario (default DIR/shrunk.textproto)");
  cmd->add_option("--max-runs", shrink.max_runs, "Trial runs at most (default 300)")
      ->check(CLI::Range(1, 100000));
  return {cmd, [&shrink] { return testplanet::cli::Shrink(shrink); }};
}

Subcommand AddActions(CLI::App& app, bool& markdown) {
  auto* cmd = app.add_subcommand(
      "actions",
      "List every kind of step and check, the events steps can wait for, and the "
      "planted bugs, each with one line");
  cmd->add_flag("--markdown", markdown, "As the README's tables");
  return {cmd, [&markdown] { return testplanet::cli::ListActions(markdown); }};
}

// Edits (insertions, deletions, substitutions) between two words.
std::size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// "; did you mean X?" for the nearest of `known` within two edits (or a prefix), else "".
std::string Suggest(const std::string& word, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_distance = 3;
  for (const std::string& candidate : known) {
    const std::size_t distance =
        candidate.rfind(word, 0) == 0 && word.size() > 2 ? 1 : EditDistance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best.empty() ? "" : "; did you mean " + best + "?";
}

// What CLI11 says badly: an unknown subcommand ("A subcommand is required") or an unknown flag
// (taken as a positional: "File does not exist: 3"). Returns false after saying what is wrong.
bool CheckWords(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  int at = 1;
  while (at < argc && argv[at][0] == '-') ++at;  // --help, --version: CLI11's
  if (at == argc) return true;
  const std::string word = argv[at];
  const CLI::App* cmd = nullptr;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == word) cmd = sub;
  }
  if (cmd == nullptr) {
    std::string all;
    for (const std::string& name : names) all += (all.empty() ? "" : ", ") + name;
    std::fprintf(stderr, "testplanet: unknown subcommand \"%s\"%s (subcommands: %s)\n",
                 word.c_str(), Suggest(word, names).c_str(), all.c_str());
    return false;
  }
  std::vector<std::string> flags;
  for (const CLI::Option* option : cmd->get_options()) {
    for (const std::string& name : option->get_lnames()) flags.push_back("--" + name);
  }
  for (int i = at + 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.rfind("--", 0) != 0) continue;
    const std::string flag = arg.substr(0, arg.find('='));
    if (std::find(flags.begin(), flags.end(), flag) == flags.end()) {
      std::fprintf(stderr, "testplanet %s: unknown flag %s%s (see testplanet %s --help)\n",
                   word.c_str(), flag.c_str(), Suggest(flag, flags).c_str(), word.c_str());
      return false;
    }
  }
  return true;
}

}  // namespace

namespace testplanet::cli {

int Main(int argc, char** argv, bool execute) {
  CLI::App app{kAbout, "testplanet"};
  app.footer(kExamples);
  app.require_subcommand(1);
  app.set_version_flag("--version", "testplanet 0.1.0");

  RunCommand run, inspect;
  std::string replay_directory;
  CheckDeterminismCommand check;
  SweepCommand sweep;
  MergeCommand merge;
  ShrinkCommand shrink;
  bool markdown = false;
  const Subcommand subcommands[] = {AddRun(app, run),
                                    AddInspect(app, inspect),
                                    AddReplay(app, replay_directory),
                                    AddCheckDeterminism(app, check),
                                    AddSweep(app, sweep, argv[0]),
                                    AddMerge(app, merge),
                                    AddShrink(app, shrink),
                                    AddActions(app, markdown)};
  if (!CheckWords(app, argc, argv)) return kExitBadInput;
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
  for (const auto& [command, action] : subcommands) {
    if (command->parsed()) return execute ? action() : kExitOk;
  }
  return kExitBadInput;
}

}  // namespace testplanet::cli
