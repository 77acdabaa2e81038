// The `testplanet` subcommands. Each returns the process exit code: 0 success, 1 a check or a
// comparison failed, 2 bad input (a message naming the file, line and field is printed).
#ifndef TESTPLANET_SCENARIOS_CLI_COMMANDS_H_
#define TESTPLANET_SCENARIOS_CLI_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace testplanet::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;

struct RunCommand {
  std::vector<std::string> files;
  std::optional<std::uint64_t> seed;
  std::string out;      // empty: a fresh directory under ./testplanet-out/
  std::string stop_at;  // a Go duration, or empty
  bool quiet = false;
  bool no_invariants = false;
  std::string planted_bug;  // see storagenode::PlantedBug; empty: none
};

// Checks a --planted-bug value: prints why and returns false when this build cannot plant it.
bool CheckPlantedBug(const std::string& name);
// " --planted-bug NAME" for reproduce commands, or "".
std::string PlantedBugFlag(const std::string& name);
int Run(const RunCommand& command);

int Replay(const std::string& directory);

struct CheckDeterminismCommand {
  std::string file;
  std::uint64_t seeds = 5;
  std::uint64_t first_seed = 1;
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
  bool swarm = false;               // each seed also picks the fault mix (swarm.h)
  bool stop_at_first_failure = false;
  std::string planted_bug;
};
int Sweep(const SweepCommand& command);

struct ShrinkCommand {
  std::string directory;  // a failing run directory
  std::string out;        // the shrunk scenario; default DIR/shrunk.textproto
  int max_runs = 300;     // trial runs at most
};
int Shrink(const ShrinkCommand& command);

}  // namespace testplanet::cli

#endif  // TESTPLANET_SCENARIOS_CLI_COMMANDS_H_
