// `testplanet run` and `testplanet inspect`: run scenario files, write the run directories, say
// what failed and how to reproduce it; with --determinism, run each twice and compare.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include "scenarios/cli/allocator.h"
#include "scenarios/cli/commands.h"
#include "scenarios/cli/interrupt.h"
#include "scenarios/cli/outputs.h"
#include "scenarios/cli/progress.h"
#include "scenarios/cli/trace_process.h"
#include "scenarios/cli/unit_costs.h"
#include "scenarios/language/loader.h"
#include "scenarios/language/runner.h"
#include "scenarios/planet/owned_directory.h"
#include "scenarios/planet/planted_bugs.h"
#include "scenarios/report/reports.h"

namespace testplanet::cli {
namespace {

std::string FreshDirectory(const std::string& base) {
  for (int n = 1;; ++n) {
    std::string candidate = base + "/run-" + std::to_string(n);
    if (!std::filesystem::exists(candidate)) return candidate;
  }
}

// Every flag that changes the run is in the command that reproduces it.
std::string Reproduce(const RunCommand& command, const scenario::RunOptions& options,
                      const std::string& file) {
  return "testplanet run " + file + " --seed " + std::to_string(options.seed) +
         RunFlagsText(options) + (command.determinism ? " --determinism" : "");
}

// The planet's state at --stop-at: its first lines, and where the rest are (a planet of 25,000
// nodes has 100,000 lines of it).
void PrintState(const std::string& state, const std::string& directory) {
  constexpr int kMaxLines = 60;
  std::size_t at = 0;
  for (int line = 0; line < kMaxLines && at < state.size(); ++line) {
    const std::size_t end = state.find('\n', at);
    at = end == std::string::npos ? state.size() : end + 1;
  }
  if (at == 0) return;
  std::printf("\n%.*s", static_cast<int>(at), state.c_str());
  if (at < state.size()) {
    const auto more =
        std::count(state.begin() + static_cast<std::ptrdiff_t>(at), state.end(), '\n');
    std::printf("... %lld more lines in %s/inspect.txt\n", static_cast<long long>(more),
                directory.c_str());
  }
}

void PrintOutcome(const RunCommand& command, const scenario::RunResult& result,
                  const report::RunFiles& files, const std::string& directory) {
  const bool passed = result.passed();
  std::printf(
      "%s %s  seed %llu  digest %s  %llu events  %s virtual in %.2fs  -> %s\n",
      passed ? "PASS" : "FAIL", result.scenario.c_str(),
      static_cast<unsigned long long>(result.seed), Trace::FormatDigest(result.digest).c_str(),
      static_cast<unsigned long long>(result.events),
      FormatDuration(result.end.time_since_epoch()).c_str(), files.wall_seconds, directory.c_str());
  if (files.unit_costs && !command.quiet) {
    const double floor = report::FloorSeconds(result, *files.unit_costs);
    std::printf(
        "  floor %.2fs: the run's events, signatures, RocksDB and piece-file work at this "
        "machine's unit costs (%.0f%% of its wall time; summary.json \"floor\")\n",
        floor, files.wall_seconds > 0 ? 100 * floor / files.wall_seconds : 0.0);
  }
  if (!result.status.ok()) std::printf("  run error: %s\n", result.status.ToString().c_str());
  if (result.interrupted) {
    std::printf("  interrupted at %s: the run to there, the same run as --stop-at %s:\n    %s\n",
                FormatTime(TimePoint(*result.stop_at)).c_str(),
                FormatDuration(*result.stop_at).c_str(), files.reproduce.c_str());
  }
  for (const auto& check : result.checks) {
    if (check.passed && command.quiet) continue;
    std::printf("  %s %s at %s (%s): expected %s, found %s\n", check.passed ? "ok  " : "FAIL",
                check.name.c_str(), FormatTime(check.at).c_str(), check.where.c_str(),
                check.expected.c_str(), check.found.c_str());
  }
  if (!passed) {
    std::printf("  reproduce: %s\n  replay:    testplanet replay %s\n  report:    %s/report.html\n",
                files.reproduce.c_str(), directory.c_str(), directory.c_str());
  }
  if (!command.quiet) PrintState(result.inspect, directory);
}

// Several scenarios in one invocation each write OUT/NAME: two of one name would share it.
Status DistinctNames(const std::vector<scenario::Plan>& plans) {
  std::map<std::string, const scenario::Plan*> seen;
  for (const scenario::Plan& plan : plans) {
    auto [it, fresh] = seen.emplace(plan.name, &plan);
    if (!fresh) {
      return InvalidArgumentError(plan.path + ": name: \"" + plan.name + "\" is also the name of " +
                                  it->second->path + "; each scenario of a run needs its own " +
                                  "(each writes its own directory)");
    }
  }
  return Status::Ok();
}

// The run again in this process; false (and says where) when it does not match `first`,
// nullopt when an interrupt cut the second run short.
std::optional<bool> SameAgain(const scenario::Plan& plan, const scenario::RunOptions& options,
                              const scenario::RunResult& first) {
  const scenario::RunResult second = scenario::RunScenario(plan, options);
  if (second.interrupted) {
    std::printf("  the second run was interrupted: nothing compared\n");
    return std::nullopt;
  }
  if (second.digest == first.digest && second.record_count == first.record_count) return true;
  std::printf("  NONDETERMINISTIC: run again in this process, digest %s instead of %s\n",
              Trace::FormatDigest(second.digest).c_str(),
              Trace::FormatDigest(first.digest).c_str());
  if (auto index = report::FirstDifference(first.records, second.records)) {
    PrintDivergence(*index, first.records, second.records, second);
  }
  return false;
}

// The flags, checked before any scenario is read.
struct RunFlags {
  std::optional<std::uint64_t> seed;
  std::optional<Duration> stop_at;
  scenario::Budget budget;
  scenario::TraceLevel trace_level = scenario::TraceLevel::kAll;
};
std::optional<RunFlags> ResolveRunFlags(const RunCommand& command) {
  RunFlags flags;
  if (command.seed) {
    flags.seed = ParseSeedFlag("--seed", *command.seed);
    if (!flags.seed) return std::nullopt;
  }
  if (!command.stop_at.empty()) {
    auto parsed = ParseDuration(command.stop_at);
    if (parsed.ok() && *parsed < Duration::zero()) {
      parsed = InvalidArgumentError("must not be negative, got \"" + command.stop_at + "\"");
    }
    if (!parsed.ok()) {
      std::fprintf(stderr, "testplanet: %s: %s\n", command.stop_flag.c_str(),
                   std::string(parsed.status().message()).c_str());
      return std::nullopt;
    }
    flags.stop_at = *parsed;
  }
  auto budget = ResolveBudget(command.budget);
  if (!budget) return std::nullopt;
  flags.budget = *budget;
  if (!CheckPlantedBug(command.planted_bug)) return std::nullopt;
  auto level = scenario::ParseTraceLevel(command.trace);
  if (!level.ok()) {
    std::fprintf(stderr, "testplanet: --trace: %s\n",
                 std::string(level.status().message()).c_str());
    return std::nullopt;
  }
  flags.trace_level = *level;
  return flags;
}

}  // namespace

bool CheckPlantedBug(const std::string& name) {
  Config config;
  if (Status s = PlantBug(name, config); !s.ok()) {
    std::fprintf(stderr, "testplanet: --planted-bug: %s\n", std::string(s.message()).c_str());
    return false;
  }
  return true;
}

std::string PlantedBugFlag(const std::string& name) {
  return name.empty() || name == "none" ? "" : " --planted-bug " + name;
}

namespace {

// Runs `plan`, showing its progress on stderr past the first few seconds unless --quiet.
scenario::RunResult RunShowingProgress(const RunCommand& command, const scenario::Plan& plan,
                                       scenario::RunOptions options) {
  if (command.quiet) return scenario::RunScenario(plan, options);
  ProgressLine line(/*quiet_seconds=*/2);
  std::optional<scenario::RunProgress> first;
  double first_seconds = 0;
  options.progress = [&](const scenario::RunProgress& now) {
    if (!first) {  // the pace is measured from here: the planet's start-up is not simulation
      first = now;
      first_seconds = line.Seconds();
      return;
    }
    line.Show(DescribeProgress(plan.name, *first, now, line.Seconds() - first_seconds));
  };
  scenario::RunResult result = scenario::RunScenario(plan, options);
  line.Done();
  return result;
}

// trace.json of `plan`'s run in its directory, fed by the run's records as they are made and
// written by a child process beside the simulation.
std::unique_ptr<ChromeTraceProcess> StreamChromeTrace(const scenario::Plan& plan,
                                                      const scenario::RunOptions& options) {
  return std::make_unique<ChromeTraceProcess>(
      options.run_directory + "/trace.json",
      report::ChromeTraceStream::Options{.scenario = plan.name,
                                         .seed = options.seed,
                                         .level = options.trace_level,
                                         .check_name = [&plan](std::uint64_t index, std::size_t) {
                                           return index < plan.checks.size()
                                                      ? plan.checks[index].name
                                                      : "check " + std::to_string(index);
                                         }});
}

}  // namespace

int Run(const RunCommand& command) {
  auto flags = ResolveRunFlags(command);
  if (!flags) return kExitBadInput;
  auto plans = LoadWithinBudget(command.files, flags->budget,
                                {.stop_at = flags->stop_at, .trace_level = flags->trace_level});
  if (!plans) return kExitBadInput;
  if (!Report(DistinctNames(*plans))) return kExitBadInput;
  const std::string out = command.out.empty() ? FreshDirectory("testplanet-out") : command.out;
  if (!Report(CheckClaimable(out).WithContext("--out"))) return kExitBadInput;
  std::vector<scenario::RunOptions> options(plans->size());
  for (std::size_t i = 0; i < plans->size(); ++i) {
    const scenario::Plan& plan = (*plans)[i];
    options[i].seed = flags->seed.value_or(plan.seed);
    options[i].stop_at = flags->stop_at;
    options[i].budget = flags->budget;
    options[i].run_directory = plans->size() == 1 ? out : out + "/" + plan.name;
    options[i].invariants = !command.no_invariants;
    options[i].planted_bug = command.planted_bug;
    options[i].trace_level = flags->trace_level;
    if (Status s = scenario::CheckRunDirectory(plan, options[i]); !s.ok()) {
      std::fprintf(stderr, "testplanet: %s: %s\n", plan.path.c_str(),
                   std::string(s.message()).c_str());
      return kExitBadInput;
    }
  }
  // An --out that cannot be made is the flag's fault, as a bad value is: exit 2.
  if (!Report(ClaimDirectory(out).WithContext("--out"))) return kExitBadInput;
  // Ctrl-C stops the run in progress; its directory is still written.
  InterruptWatch interrupts("stopping where it is and writing what ran");
  std::vector<scenario::RunResult> results(plans->size());
  std::vector<report::RunFiles> files;
  files.reserve(plans->size());
  std::optional<report::UnitCosts> unit_costs;  // measured once, for each run's floor
  bool all_passed = true;
  bool comparison_cut = false;
  for (std::size_t i = 0; i < plans->size() && !InterruptWatch::Requested(); ++i) {
    const scenario::Plan& plan = (*plans)[i];
    options[i].stop_requested = &InterruptWatch::Requested;
    // trace.json goes to disk as the run goes, while the disk has nothing else to do. Before
    // the planet is built: its writer is forked now (trace_process.h).
    std::unique_ptr<ChromeTraceProcess> chrome_trace;
    if (!command.lean) {
      chrome_trace = StreamChromeTrace(plan, options[i]);
      options[i].on_record = [&trace = *chrome_trace](const TraceRecord& record,
                                                      const Trace& names) {
        trace.Add(record, {names.peer_names(), names.names()});
      };
    }
    const auto started =
        std::chrono::steady_clock::now();  // determinism-ok: wall_seconds in reports only
    results[i] = RunShowingProgress(command, plan, options[i]);
    options[i].on_record = nullptr;
    // Interrupted: what ran is the run stopped there, and that is what reproduces it.
    if (results[i].interrupted) options[i].stop_at = results[i].stop_at;
    ReturnFreedMemory();  // the planet is gone: its pages go back before the reports are built
    const std::chrono::duration<double> wall =
        std::chrono::steady_clock::now() - started;  // determinism-ok: wall_seconds in reports only
    files.push_back(report::RunFiles{&plan, &results[i], Reproduce(command, options[i], plan.path),
                                     wall.count(), command.lean});
    if (!command.lean) {
      if (!unit_costs) unit_costs = MeasureUnitCosts();  // after the run: its work is counted
      files[i].unit_costs = unit_costs;
      files[i].chrome_trace = chrome_trace.get();
    }
    if (Status s = report::WriteRunDirectory(options[i].run_directory, files[i]); !s.ok()) {
      std::fprintf(stderr, "testplanet: %s\n", s.ToString().c_str());
      return kExitFailed;
    }
    files[i].chrome_trace = nullptr;  // finished, and gone with this iteration
    PrintOutcome(command, results[i], files[i], options[i].run_directory);
    if (InterruptWatch::Requested()) break;  // no second run to compare, no next scenario
    const std::optional<bool> same =
        command.determinism ? SameAgain(plan, options[i], results[i]) : true;
    comparison_cut = comparison_cut || !same.has_value();
    all_passed = all_passed && results[i].passed() && same.value_or(true);
  }
  if (plans->size() > 1) {
    if (Status s = report::WriteJunit(out + "/junit.xml", files); !s.ok()) {
      std::fprintf(stderr, "testplanet: %s\n", s.ToString().c_str());
      return kExitFailed;
    }
  }
  // An interrupt that cut nothing short (it came while the last reports were written) changes
  // nothing: every run went to its end.
  const bool cut_short = comparison_cut || files.size() < plans->size() ||
                         std::any_of(results.begin(), results.end(),
                                     [](const scenario::RunResult& r) { return r.interrupted; });
  if (files.size() < plans->size()) {
    std::fprintf(stderr, "testplanet: interrupted: %zu of %zu scenarios not run\n",
                 plans->size() - files.size(), plans->size());
  }
  if (cut_short) return kExitInterrupted;
  return all_passed ? kExitOk : kExitFailed;
}

}  // namespace testplanet::cli
