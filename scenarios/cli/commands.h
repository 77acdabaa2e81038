// The `testplanet` subcommands. Each returns the process exit code: 0 success, 1 a check or a
// comparison failed, 2 bad input (a message naming the file, line and field is printed), 130 a
// run interrupted (Ctrl-C) and its run directory written.
#ifndef TESTPLANET_SCENARIOS_CLI_COMMANDS_H_
#define TESTPLANET_SCENARIOS_CLI_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/language/runner.h"
#include "scenarios/report/read_back.h"

namespace testplanet::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report Ctrl-C

// The budget flags a command shares (cost.h), as typed: validated by ResolveBudget.
struct BudgetFlags {
  std::string max_events;  // a count; empty: the default
  std::string max_memory;  // bytes ("16GiB"); empty: the default
};
// The budget the flags ask for; prints which flag is wrong and returns nullopt.
std::optional<scenario::Budget> ResolveBudget(const BudgetFlags& flags);
// " --max-events N --max-memory M" for the budget's values that are not the defaults.
std::string BudgetFlagsText(const scenario::Budget& budget);
// Every flag of `options` that changes a run (planted bug, budget, stop, invariants off), as
// the reproduce commands write them.
std::string RunFlagsText(const scenario::RunOptions& options);
// Loads every file and checks each against the budget, for a run of that shape (--stop-at,
// --trace); prints the first error.
std::optional<std::vector<scenario::Plan>> LoadWithinBudget(const std::vector<std::string>& files,
                                                            const scenario::Budget& budget,
                                                            const scenario::RunShape& shape = {});

// A run directory opened to run again: its manifest and its scenario, checked to be the one
// that ran (the scenario hash) and to plant a bug this build knows. Prints why not.
struct RunDirectory {
  report::Manifest manifest;
  scenario::Plan plan;
};
std::optional<RunDirectory> OpenRunDirectory(const std::string& directory);
// The options the manifest's run ran with (seed, planted bug, invariants, stop, budget).
scenario::RunOptions ReplayOptions(const report::Manifest& manifest);

struct RunCommand {
  std::vector<std::string> files;
  std::optional<std::string> seed;  // a seed, 0 to 2^64-1 (checked); unset: the scenario's
  std::string out;                  // empty: a fresh directory under ./testplanet-out/
  std::string stop_at;              // a Go duration, or empty
  bool quiet = false;
  bool no_invariants = false;
  bool determinism = false;  // run twice in this process and compare digests
  std::string planted_bug;   // planted_bugs.h; empty: none
  BudgetFlags budget;
  std::string stop_flag = "--stop-at";  // how the stop is spelled to this command (inspect: --at)
  bool lean = false;                    // --lean: the files a sweep keeps (report::RunFiles::lean)
  std::string trace = "all";  // --trace: the records kept (scenarios/language/trace_level.h)
};

// A count as typed: decimal digits only, 0 to 2^64-1; nullopt for anything else (no message).
std::optional<std::uint64_t> ParseUnsigned(const std::string& text);
// A number as typed for `flag`: decimal digits only, `min` to 2^64-1 ("-1", "" and "1e3" are
// refused). Prints what is wrong, naming the flag and what it counts (`noun`: "seed", "event
// count") and the range it takes, and returns nullopt.
std::optional<std::uint64_t> ParseCountFlag(const std::string& flag, const std::string& text,
                                            const std::string& noun, std::uint64_t min = 0);
inline std::optional<std::uint64_t> ParseSeedFlag(const std::string& flag,
                                                  const std::string& text) {
  return ParseCountFlag(flag, text, "seed");
}

// Checks a --planted-bug value: prints why and returns false when this build cannot plant it.
bool CheckPlantedBug(const std::string& name);
// " --planted-bug NAME" for reproduce commands, or "".
std::string PlantedBugFlag(const std::string& name);
int Run(const RunCommand& command);

int Replay(const std::string& directory);
// Prints where two traces part: record `index` as `expected` has it and as `found` does.
void PrintDivergence(std::uint64_t index, const RecordLog& expected, const RecordLog& found,
                     const scenario::RunResult& run);

struct CheckDeterminismCommand {
  std::string file;
  std::uint64_t seeds = 5;
  std::string first_seed = "1";
  BudgetFlags budget;
};
int CheckDeterminism(const CheckDeterminismCommand& command);

struct SweepCommand {
  std::string file;
  std::string seeds;  // "A..B"
  int jobs = 2;
  std::string shard;                // "I/N", or empty
  std::optional<int> shards_total;  // with JOB_COMPLETION_INDEX
  std::string report;               // JSON lines; empty: <out>/sweep.jsonl
  std::string out;                  // where each seed's run directory goes
  std::string self;                 // this program, to run the seeds as processes
  bool swarm = false;               // each seed also picks its configuration and actions
  bool determinism = false;         // each seed's run twice in its process, compared
  bool stop_at_first_failure = false;
  bool keep_passing = false;  // keep every seed's run directory, not only failing ones
  std::string time_budget;    // a Go duration: start no seed after it is spent; "" none
  std::string planted_bug;
  BudgetFlags budget;
};
int Sweep(const SweepCommand& command);

// Merges sweep reports (shards from many machines) into one: OUT/sweep.jsonl in seed order,
// with junit.xml and index.html, and the failures grouped by signature on stdout.
struct MergeCommand {
  std::vector<std::string> reports;
  std::string out;
};
int Merge(const MergeCommand& command);

struct ShrinkCommand {
  std::string directory;  // a failing run directory
  std::string out;        // the shrunk scenario; default DIR/shrunk.textproto
  int max_runs = 300;     // trial runs at most
};
int Shrink(const ShrinkCommand& command);

// Lists the language's kinds of step and check, events and planted bugs (as Markdown tables).
int ListActions(bool markdown);

}  // namespace testplanet::cli

#endif  // TESTPLANET_SCENARIOS_CLI_COMMANDS_H_
