// `testplanet sweep`: many seeds of one scenario, as child processes (both cores busy), with
// sharding for CI matrices and Kubernetes indexed jobs. Writes a JSON-lines report in seed
// order, keeps only failing seeds' run directories, and ends with the sweep's reports
// (report/sweep_report.h); `testplanet merge` joins shards' reports the same way.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "scenarios/cli/commands.h"
#include "scenarios/cli/interrupt.h"
#include "scenarios/cli/outputs.h"
#include "scenarios/cli/progress.h"
#include "scenarios/language/loader.h"
#include "scenarios/language/swarm.h"
#include "scenarios/planet/owned_directory.h"
#include "scenarios/report/sweep_report.h"

extern char** environ;

namespace testplanet::cli {
namespace {

// How every line of a sweep report begins: what lets a later sweep overwrite the file.
constexpr std::string_view kReportStart = R"({"testplanet_sweep":)";

struct Shard {
  std::uint64_t index = 0;
  std::uint64_t total = 1;
};

bool ParseUint(const std::string& text, std::uint64_t& out) {
  const std::optional<std::uint64_t> value = ParseUnsigned(text);
  if (value) out = *value;
  return value.has_value();
}

// The shard this process runs: --shard I/N, else GoogleTest's variables, else Kubernetes'
// JOB_COMPLETION_INDEX with --shards-total.
bool ResolveShard(const SweepCommand& c, Shard& shard, std::string& error) {
  if (!c.shard.empty()) {
    const auto slash = c.shard.find('/');
    if (slash == std::string::npos || !ParseUint(c.shard.substr(0, slash), shard.index) ||
        !ParseUint(c.shard.substr(slash + 1), shard.total)) {
      error = "--shard: expected I/N, got \"" + c.shard + "\"";
      return false;
    }
  } else if (const char* total = std::getenv("GTEST_TOTAL_SHARDS")) {
    const char* index = std::getenv("GTEST_SHARD_INDEX");
    if (index == nullptr || !ParseUint(total, shard.total) || !ParseUint(index, shard.index)) {
      error = "GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX must both be numbers";
      return false;
    }
  } else if (const char* index = std::getenv("JOB_COMPLETION_INDEX")) {
    if (!c.shards_total) {
      error = "JOB_COMPLETION_INDEX is set: give the number of shards with --shards-total";
      return false;
    }
    if (!ParseUint(index, shard.index)) {
      error = "JOB_COMPLETION_INDEX must be a number";
      return false;
    }
    shard.total = static_cast<std::uint64_t>(*c.shards_total);
  }
  if (shard.total == 0 || shard.index >= shard.total) {
    error = "shard index " + std::to_string(shard.index) + " is not below the shard count " +
            std::to_string(shard.total);
    return false;
  }
  return true;
}

// The seeds a shard runs, in order, one at a time (a range of 2^64 seeds is never listed).
class SeedRange {
 public:
  SeedRange(std::uint64_t first, std::uint64_t last, Shard shard)
      : next_(first), last_(last), shard_(shard), done_(first > last) {
    Skip(first);
  }
  bool done() const { return done_; }
  std::uint64_t Take() {
    const std::uint64_t seed = next_;
    if (last_ - seed < shard_.total) {
      done_ = true;
    } else {
      next_ = seed + shard_.total;
    }
    return seed;
  }
  // How many seeds the shard runs in all (for progress).
  std::uint64_t Count(std::uint64_t first) const {
    if (last_ - first < shard_.index) return 0;
    const std::uint64_t more = (last_ - first - shard_.index) / shard_.total;
    return more == UINT64_MAX ? more : more + 1;
  }

 private:
  void Skip(std::uint64_t first) {
    if (done_) return;
    if (last_ - first < shard_.index) {
      done_ = true;
      return;
    }
    next_ = first + shard_.index;
  }
  std::uint64_t next_, last_;
  Shard shard_;
  bool done_;
};

class Sweeper {
 public:
  static constexpr const char* kInterrupted = "interrupted";

  Sweeper(const SweepCommand& command, scenario::Budget budget, scenario::Plan plan,
          std::string out, std::ofstream report, std::optional<double> time_budget)
      : c_(command),
        budget_(budget),
        plan_(std::move(plan)),
        out_(std::move(out)),
        report_(std::move(report)),
        time_budget_(time_budget),
        started_(std::chrono::steady_clock::now()) {}  // determinism-ok: sweep progress only

  // Runs every seed of `seeds`, --jobs at a time; returns false if a child could not start.
  bool RunAll(SeedRange seeds, std::uint64_t total) {
    ProgressLine line;
    while (!running_.empty() || !seeds.done()) {
      if (stopped_.empty() && c_.stop_at_first_failure && failing_ > 0) {
        stopped_ = "stopped at the first failure";
      }
      if (stopped_.empty() && time_budget_ && SecondsSince(started_) >= *time_budget_) {
        stopped_ = "time budget of " + c_.time_budget + " spent";
      }
      if (InterruptWatch::Requested() && stopped_ != kInterrupted) {
        // A Ctrl-C at the terminal reached the seeds too; a SIGTERM to this process alone did
        // not. SIGUSR1 asks a run to stop without ever counting as the second signal that
        // ends it at once, so the seeds stop as an interrupted run does either way.
        stopped_ = kInterrupted;
        for (const auto& [pid, child] : running_) kill(pid, SIGUSR1);
      }
      if (!stopped_.empty() && running_.empty()) break;
      while (stopped_.empty() && running_.size() < static_cast<std::size_t>(c_.jobs) &&
             !seeds.done()) {
        if (!Spawn(seeds.Take())) return false;
      }
      if (!Reap()) break;
      char text[128];
      std::snprintf(text, sizeof(text), "sweep: %zu/%llu seeds done, %zu failed, %.0f s", done_,
                    static_cast<unsigned long long>(total), failing_, SecondsSince(started_));
      line.Show(text, /*force=*/done_ == 1);
    }
    return true;
  }

  // Prints the failures grouped by signature, writes the sweep's reports; returns the exit code.
  int Summarize(const std::string& range, std::uint64_t total) {
    Flush(true);
    int worst = kExitOk;
    for (const auto& [seed, row] : rows_) {
      if (row.exit != 0) {
        worst = row.exit == kExitBadInput ? kExitBadInput : std::max(worst, kExitFailed);
      }
    }
    report::SweepFacts facts{"sweep " + plan_.name + " seeds " + range, SecondsSince(started_),
                             stopped_, StepSummaryPath()};
    if (stopped_.empty() && done_ < total) facts.stopped = "stopped early";
    std::vector<report::SweepRow> rows;
    for (const auto& [seed, row] : rows_) rows.push_back(row);
    PrintGroups(rows);
    const Status written = report::WriteSweepReports(out_, rows, facts);
    if (!written.ok()) std::fprintf(stderr, "testplanet: %s\n", written.ToString().c_str());
    std::printf("swept %zu seeds (%s%s): %zu passed, %zu failed, in %.1f s\n", done_, range.c_str(),
                facts.stopped.empty() ? "" : (", " + facts.stopped).c_str(), done_ - failing_,
                failing_, facts.wall_seconds);
    std::printf("report %s; junit %s/junit.xml; index %s/index.html%s\n",
                c_.report.empty() ? (out_ + "/sweep.jsonl").c_str() : c_.report.c_str(),
                out_.c_str(), out_.c_str(),
                c_.keep_passing ? "" : " (run directories of failing seeds only)");
    if (interrupted_ > 0) {
      std::printf("%zu seed(s) cut short by the interrupt were not counted\n", interrupted_);
    }
    if (!written.ok()) return std::max(worst, kExitFailed);
    // As for run: an interrupt that came as the last seeds finished cut nothing short.
    const bool cut_short = stopped_ == kInterrupted && (interrupted_ > 0 || done_ < total);
    return cut_short ? kExitInterrupted : worst;
  }

 private:
  static std::string StepSummaryPath() {
    const char* path = std::getenv("GITHUB_STEP_SUMMARY");
    return path == nullptr ? "" : path;
  }

  void PrintGroups(const std::vector<report::SweepRow>& rows) const {
    for (const report::FailureGroup& group : report::GroupFailures(rows)) {
      std::printf("FAIL %zu seed(s) [%s %s] %s\n", group.seeds.size(), group.failure.kind.c_str(),
                  group.failure.signature.c_str(), group.failure.message.c_str());
      std::string seeds;
      for (std::size_t i = 0; i < group.seeds.size() && i < 10; ++i) {
        seeds += (i ? " " : "") + std::to_string(group.seeds[i]);
      }
      std::printf("    seeds: %s%s\n", seeds.c_str(), group.seeds.size() > 10 ? " ..." : "");
      std::printf("    first: %s\n", group.reproduce.c_str());
      if (c_.swarm) std::printf("    faults: %s\n", mixes_.at(group.seeds.front()).c_str());
      if (!group.out.empty()) {
        std::printf("    run:   %s (report.html)\n    shrink: testplanet shrink %s\n",
                    group.out.c_str(), group.out.c_str());
      }
    }
  }

  // The flags every seed runs with, as a reproduce command spells them.
  std::string SeedFlags() const {
    return PlantedBugFlag(c_.planted_bug) + BudgetFlagsText(budget_) +
           (c_.determinism ? " --determinism" : "");
  }

  std::string Reproduce(std::uint64_t seed) const {
    return "testplanet run " + files_.at(seed) + " --seed " + std::to_string(seed) + SeedFlags();
  }

  // The scenario file seed `seed` runs: the sweep's, or its swarm mix written out.
  std::optional<std::string> FileFor(std::uint64_t seed) {
    if (!c_.swarm) return c_.file;
    scenario::SwarmScenario mix = scenario::Swarm(plan_, seed);
    const std::string file = out_ + "/seed-" + std::to_string(seed) + ".textproto";
    mix.spec.set_seed(seed);
    mixes_[seed] = mix.description;
    files_[seed] = file;
    const std::string header = "Swarm scenario: " + c_.file + " with seed " + std::to_string(seed) +
                               "'s configuration and actions.\nfaults: " + mix.description +
                               "\nreproduce: " + Reproduce(seed);
    std::ofstream swarm_file(file, std::ios::trunc);
    swarm_file << scenario::ScenarioFileText(mix.spec, header);
    if (!swarm_file) {
      std::fprintf(stderr, "testplanet: cannot write %s\n", file.c_str());
      return std::nullopt;
    }
    return file;
  }

  bool Spawn(std::uint64_t seed) {
    const std::string directory = out_ + "/seed-" + std::to_string(seed);
    const std::string log = directory + ".log";
    auto file = FileFor(seed);
    if (!file) return false;
    files_[seed] = *file;
    std::vector<std::string> args = {c_.self, "run",     *file,    "--seed", std::to_string(seed),
                                     "--out", directory, "--quiet"};
    if (!c_.planted_bug.empty()) args.insert(args.end(), {"--planted-bug", c_.planted_bug});
    if (c_.determinism) args.push_back("--determinism");
    if (!c_.keep_passing) args.push_back("--lean");
    std::istringstream budget_flags(BudgetFlagsText(budget_));
    for (std::string word; budget_flags >> word;) args.push_back(word);
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, c_.self.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      std::fprintf(stderr, "testplanet: cannot start %s\n", c_.self.c_str());
      return false;
    }
    running_[pid] = {seed, directory};
    pending_.push_back(seed);
    return true;
  }

  // Waits for one child and records it; false when there is none left to wait for.
  bool Reap() {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) return errno == EINTR;  // a signal: RunAll looks at it, then waits again
    auto it = running_.find(pid);
    if (it == running_.end()) return true;
    const auto [seed, directory] = it->second;
    running_.erase(it);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    const bool stopped_by_us =
        code == kExitInterrupted || (WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1);
    if (stopped_by_us && stopped_ == kInterrupted) {
      // Cut short, it is neither a pass nor a failure: it goes as a seed never started would.
      Forget(seed, directory);
      return true;
    }
    ++done_;
    if (code != 0) ++failing_;
    rows_[seed] = Row(seed, directory, code, status);
    if (c_.swarm && code != 0 && isatty(STDERR_FILENO) == 0) {
      std::fprintf(stderr, "seed %llu failed; faults: %s\n", static_cast<unsigned long long>(seed),
                   mixes_[seed].c_str());
    }
    Flush(false);
    return true;
  }

  report::SweepRow Row(std::uint64_t seed, const std::string& directory, int code, int status) {
    report::SweepRow row;
    row.scenario = plan_.name;
    row.file = c_.file;
    row.seed = seed;
    row.exit = code;
    row.passed = code == 0;
    row.reproduce = Reproduce(seed);
    if (c_.swarm) row.swarm = mixes_[seed];
    // The child wrote its summary; a seed that crashed may have left none, or half of one.
    if (auto summary = report::ReadSummaryDigest(directory); summary.ok()) {
      row.digest = summary->digest;
      row.events = summary->events;
      row.wall_seconds = summary->wall_seconds;
      row.failure = summary->failure;
    }
    if (!row.passed && !row.failure) {
      row.failure = report::MakeFailure(
          code == kExitBadInput ? "error" : "crash",
          (WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                               : "exit " + std::to_string(code)) +
              LastLine(directory + ".log"));
    }
    if (row.passed && !c_.keep_passing) {
      // A passing seed is its reproduce command; only failures keep their files.
      RemoveFiles(seed, directory);
      if (c_.swarm) {
        // Its drawn scenario file went too; the sweep draws it again for this one seed.
        row.reproduce = "testplanet sweep " + c_.file + " --swarm --seeds " + std::to_string(seed) +
                        ".." + std::to_string(seed) + " --keep-passing" + SeedFlags();
      }
    } else {
      row.out = directory;
    }
    return row;
  }

  // A seed's run directory, its log and (swarm) its drawn scenario file.
  void RemoveFiles(std::uint64_t seed, const std::string& directory) {
    std::error_code ignored;
    if (IsOwned(directory)) std::filesystem::remove_all(directory, ignored);
    std::filesystem::remove(directory + ".log", ignored);
    if (c_.swarm) std::filesystem::remove(files_[seed], ignored);
  }

  void Forget(std::uint64_t seed, const std::string& directory) {
    std::erase(pending_, seed);
    RemoveFiles(seed, directory);
    ++interrupted_;
  }

  // ": the last line a crashed child printed", or "".
  static std::string LastLine(const std::string& log) {
    std::ifstream in(log);
    std::string line, last;
    while (std::getline(in, line)) {
      if (!line.empty()) last = line;
    }
    if (last.size() > 300) last = last.substr(0, 300) + "...";
    return last.empty() ? "" : ": " + last;
  }

  // Writes the finished rows to the report in seed order: a row waits for the seeds before it.
  void Flush(bool all) {
    while (!pending_.empty()) {
      auto it = rows_.find(pending_.front());
      if (it == rows_.end()) {
        if (!all) break;
        pending_.pop_front();
        continue;
      }
      report_ << report::SweepRowJson(it->second) << "\n";
      pending_.pop_front();
    }
    report_.flush();
  }

  struct Child {
    std::uint64_t seed;
    std::string directory;
  };
  const SweepCommand& c_;
  scenario::Budget budget_;
  scenario::Plan plan_;
  std::string out_;
  std::ofstream report_;
  std::optional<double> time_budget_;
  std::chrono::steady_clock::time_point started_;  // determinism-ok: sweep progress only
  std::string stopped_;                            // why no more seeds start, or ""
  std::map<std::uint64_t, std::string> mixes_;     // swarm: each seed's mix
  std::map<std::uint64_t, std::string> files_;     // the scenario file each seed runs
  std::map<pid_t, Child> running_;  // keyed by pid only for lookup; results are keyed by seed
  std::map<std::uint64_t, report::SweepRow> rows_;
  std::deque<std::uint64_t> pending_;  // started seeds whose rows are not yet in the report
  std::size_t done_ = 0, failing_ = 0, interrupted_ = 0;
};

}  // namespace

int Sweep(const SweepCommand& c) {
  std::uint64_t first = 0, last = 0;
  const auto dots = c.seeds.find("..");
  if (dots == std::string::npos || !ParseUint(c.seeds.substr(0, dots), first) ||
      !ParseUint(c.seeds.substr(dots + 2), last) || first > last) {
    std::fprintf(stderr, "testplanet: --seeds: expected A..B with A <= B, got \"%s\"\n",
                 c.seeds.c_str());
    return kExitBadInput;
  }
  if (c.jobs < 1 || c.jobs > 256) {
    std::fprintf(stderr, "testplanet: --jobs must be 1 to 256\n");
    return kExitBadInput;
  }
  Shard shard;
  std::string error;
  if (!ResolveShard(c, shard, error)) {
    std::fprintf(stderr, "testplanet: %s\n", error.c_str());
    return kExitBadInput;
  }
  if (!CheckPlantedBug(c.planted_bug)) return kExitBadInput;
  const auto budget = ResolveBudget(c.budget);
  if (!budget) return kExitBadInput;
  auto plans = LoadWithinBudget({c.file}, *budget);
  if (!plans) return kExitBadInput;
  auto plan = &plans->front();
  const std::string out = c.out.empty() ? "testplanet-out/sweep-" + plan->name : c.out;
  const std::string report_path = c.report.empty() ? out + "/sweep.jsonl" : c.report;
  if (!Report(CheckClaimable(out).WithContext("--out")) ||
      !Report(CheckOutputFile("--report", report_path, kReportStart))) {
    return kExitBadInput;
  }
  std::optional<double> time_budget;
  if (!c.time_budget.empty()) {
    auto parsed = ParseDuration(c.time_budget);
    if (!parsed.ok() || *parsed <= Duration::zero()) {
      std::fprintf(stderr,
                   "testplanet: --time-budget: expected a duration such as 10m, got \"%s\"\n",
                   c.time_budget.c_str());
      return kExitBadInput;
    }
    time_budget = std::chrono::duration<double>(*parsed).count();
  }
  // What the last sweep wrote here goes: its seeds' directories would mix with this one's.
  // An --out that cannot be made is the flag's fault, as a bad value is: exit 2. Failing to
  // clear a directory testplanet owns is not.
  if (!Report(ClaimDirectory(out).WithContext("--out"))) return kExitBadInput;
  if (!Report(ClearDirectory(out))) return kExitFailed;
  std::ofstream report(report_path, std::ios::trunc);
  if (!report) {
    std::fprintf(stderr, "testplanet: --report %s: cannot write it\n", report_path.c_str());
    return kExitBadInput;
  }
  const SeedRange seeds(first, last, shard);
  const std::uint64_t total = seeds.Count(first);
  InterruptWatch interrupts(
      "starting no more seeds, stopping the running ones and writing the reports");
  Sweeper sweeper(c, *budget, std::move(*plan), out, std::move(report), time_budget);
  if (!sweeper.RunAll(seeds, total)) return kExitFailed;
  const std::string range =
      "shard " + std::to_string(shard.index) + "/" + std::to_string(shard.total) + " of " + c.seeds;
  return sweeper.Summarize(range, total);
}

}  // namespace testplanet::cli
