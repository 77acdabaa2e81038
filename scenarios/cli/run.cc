// `testplanet run` and `testplanet inspect`: run scenario files, write the run directories, say
// what failed and how to reproduce it.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "scenarios/planet/planted_bugs.h"
#include "scenarios/cli/commands.h"
#include "scenarios/report/reports.h"
#include "scenarios/language/runner.h"
#include "scenarios/language/loader.h"

namespace testplanet::cli {
namespace {

std::string FreshDirectory(const std::string& base) {
  for (int n = 1;; ++n) {
    const std::string candidate = base + "/run-" + std::to_string(n);
    if (!std::filesystem::exists(candidate)) return candidate;
  }
}

std::string Reproduce(const std::string& file, std::uint64_t seed, const std::string& bug) {
  return "testplanet run " + file + " --seed " + std::to_string(seed) + PlantedBugFlag(bug);
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

int Run(const RunCommand& command) {
  std::optional<Duration> stop_at;
  if (!command.stop_at.empty()) {
    auto parsed = ParseDuration(command.stop_at);
    if (!parsed.ok()) {
      std::fprintf(stderr, "testplanet: --stop-at: %s\n",
                   std::string(parsed.status().message()).c_str());
      return kExitBadInput;
    }
    stop_at = *parsed;
  }
  if (!CheckPlantedBug(command.planted_bug)) return kExitBadInput;
  // Load everything first: bad input stops the command before any run starts.
  std::vector<scenario::Plan> scenarios;
  for (const std::string& file : command.files) {
    auto loaded = scenario::LoadScenarioFile(file);
    if (!loaded.ok()) {
      std::fprintf(stderr, "testplanet: %s\n", std::string(loaded.status().message()).c_str());
      return kExitBadInput;
    }
    scenarios.push_back(std::move(*loaded));
  }
  const std::string out = command.out.empty() ? FreshDirectory("testplanet-out") : command.out;
  auto directory_of = [&](const scenario::Plan& loaded) {
    return scenarios.size() == 1 ? out : out + "/" + loaded.name;
  };
  for (const auto& loaded : scenarios) {
    scenario::RunOptions options;
    options.run_directory = directory_of(loaded);
    if (Status s = scenario::CheckRunDirectory(loaded, options); !s.ok()) {
      std::fprintf(stderr, "testplanet: %s: %s\n", loaded.path.c_str(),
                   std::string(s.message()).c_str());
      return kExitBadInput;
    }
  }
  std::vector<scenario::RunResult> results(scenarios.size());
  std::vector<report::RunFiles> files(scenarios.size());
  bool all_passed = true;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const auto& loaded = scenarios[i];
    const std::uint64_t seed =
        command.seed ? *command.seed : loaded.seed;
    const std::string directory = directory_of(loaded);
    scenario::RunOptions options;
    options.seed = seed;
    options.stop_at = stop_at;
    options.run_directory = directory;
    options.invariants = !command.no_invariants;
    options.planted_bug = command.planted_bug;
    const auto started =
        std::chrono::steady_clock::now();  // determinism-ok: wall_seconds in reports only
    results[i] = scenario::RunScenario(loaded, options);
    const std::chrono::duration<double> wall =
        std::chrono::steady_clock::now() - started;  // determinism-ok: wall_seconds in reports only
    const scenario::RunResult& result = results[i];
    files[i] = report::RunFiles{&loaded, &result, Reproduce(loaded.path, seed, command.planted_bug), wall.count()};
    if (Status s = report::WriteRunDirectory(directory, files[i]); !s.ok()) {
      std::fprintf(stderr, "testplanet: %s\n", s.ToString().c_str());
      return kExitFailed;
    }
    const bool passed = result.passed();
    all_passed = all_passed && passed;
    {  // the headline, always
      std::printf("%s %s  seed %llu  digest %s  %llu events  %s virtual in %.2fs  -> %s\n",
                  passed ? "PASS" : "FAIL", result.scenario.c_str(),
                  static_cast<unsigned long long>(seed), Trace::FormatDigest(result.digest).c_str(),
                  static_cast<unsigned long long>(result.events),
                  FormatDuration(result.end.time_since_epoch()).c_str(), wall.count(),
                  directory.c_str());
    }
    if (!result.status.ok()) std::printf("  run error: %s\n", result.status.ToString().c_str());
    for (const auto& check : result.checks) {
      if (check.passed && command.quiet) continue;
      std::printf("  %s %s at %s (%s): expected %s, found %s\n", check.passed ? "ok  " : "FAIL",
                  check.name.c_str(), FormatTime(check.at).c_str(), check.where.c_str(),
                  check.expected.c_str(), check.found.c_str());
    }
    if (!passed) {
      std::printf("  reproduce: %s\n  replay:    testplanet replay %s\n",
                  files[i].reproduce.c_str(), directory.c_str());
    }
    if (!result.inspect.empty()) std::printf("\n%s", result.inspect.c_str());
  }
  if (scenarios.size() > 1) {
    if (Status s = report::WriteJunit(out + "/junit.xml", files); !s.ok()) {
      std::fprintf(stderr, "testplanet: %s\n", s.ToString().c_str());
      return kExitFailed;
    }
  }
  return all_passed ? kExitOk : kExitFailed;
}

}  // namespace testplanet::cli
