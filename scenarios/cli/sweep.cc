// `testplanet sweep`: many seeds of one scenario, as child processes (both cores busy), with
// sharding for CI matrices and Kubernetes indexed jobs, and a JSON-lines report whose shards
// merge by concatenation.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scenarios/cli/commands.h"
#include "scenarios/language/loader.h"
#include "scenarios/language/swarm.h"

extern char** environ;

namespace testplanet::cli {
namespace {

struct Shard {
  std::uint64_t index = 0;
  std::uint64_t total = 1;
};

bool ParseUint(const std::string& text, std::uint64_t& out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
  try {
    out = std::stoull(text);
  } catch (const std::exception&) {
    return false;
  }
  return true;
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

struct Child {
  std::uint64_t seed;
  std::string directory;
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
  auto loaded = scenario::LoadScenarioFile(c.file);
  if (!loaded.ok()) {
    std::fprintf(stderr, "testplanet: %s\n", std::string(loaded.status().message()).c_str());
    return kExitBadInput;
  }
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    if ((seed - first) % shard.total == shard.index) seeds.push_back(seed);
    if (seed == UINT64_MAX) break;
  }
  const std::string out = c.out.empty() ? "testplanet-out/sweep-" + loaded->name : c.out;
  std::error_code fs_error;
  std::filesystem::create_directories(out, fs_error);
  if (fs_error) {
    std::fprintf(stderr, "testplanet: cannot create %s: %s\n", out.c_str(),
                 fs_error.message().c_str());
    return kExitFailed;
  }
  const std::string report_path = c.report.empty() ? out + "/sweep.jsonl" : c.report;
  std::ofstream report(report_path, std::ios::trunc);
  if (!report) {
    std::fprintf(stderr, "testplanet: cannot write %s\n", report_path.c_str());
    return kExitFailed;
  }
  if (!CheckPlantedBug(c.planted_bug)) return kExitBadInput;
  const bool terminal = isatty(STDERR_FILENO) != 0;
  std::map<std::uint64_t, std::string> mixes;  // swarm: each seed's faults
  std::map<std::uint64_t, std::string> files;  // the scenario file each seed runs
  std::map<pid_t, Child> running;  // ordered by pid only for lookup; results are keyed by seed
  std::map<std::uint64_t, int> exit_codes;
  std::size_t next = 0, done = 0, failing = 0;
  auto spawn = [&](std::uint64_t seed) -> bool {
    const std::string directory = out + "/seed-" + std::to_string(seed);
    const std::string log = out + "/seed-" + std::to_string(seed) + ".log";
    std::string file = c.file;
    if (c.swarm) {
      scenario::SwarmScenario mix = scenario::Swarm(*loaded, seed);
      file = out + "/seed-" + std::to_string(seed) + ".textproto";
      mix.spec.set_seed(seed);
      const std::string header = "Swarm scenario: " + c.file + " with seed " +
                                 std::to_string(seed) + "'s faults.\nfaults: " + mix.description +
                                 "\nreproduce: testplanet run " + file + PlantedBugFlag(c.planted_bug);
      std::ofstream swarm_file(file, std::ios::trunc);
      swarm_file << scenario::ScenarioFileText(mix.spec, header);
      if (!swarm_file) {
        std::fprintf(stderr, "testplanet: cannot write %s\n", file.c_str());
        return false;
      }
      mixes[seed] = mix.description;
    }
    files[seed] = file;
    std::vector<std::string> args = {c.self,  "run",     file,     "--seed", std::to_string(seed),
                                     "--out", directory, "--quiet"};
    if (!c.planted_bug.empty()) {
      args.push_back("--planted-bug");
      args.push_back(c.planted_bug);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, c.self.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return false;
    running[pid] = Child{seed, directory};
    return true;
  };
  while (done < next || next < seeds.size()) {
    const bool stopping = c.stop_at_first_failure && failing > 0;
    if (stopping && running.empty()) break;
    while (!stopping && running.size() < static_cast<std::size_t>(c.jobs) && next < seeds.size()) {
      if (!spawn(seeds[next])) {
        std::fprintf(stderr, "testplanet: cannot start %s\n", c.self.c_str());
        return kExitFailed;
      }
      ++next;
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) break;
    auto it = running.find(pid);
    if (it == running.end()) continue;
    const Child child = it->second;
    running.erase(it);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    exit_codes[child.seed] = code;
    ++done;
    nlohmann::json line = {
        {"scenario", loaded->name},
        {"file", c.file},
        {"seed", child.seed},
        {"exit", code},
        {"passed", code == 0},
        {"out", child.directory},
        {"reproduce", "testplanet run " + files[child.seed] + " --seed " +
                          std::to_string(child.seed) + PlantedBugFlag(c.planted_bug)}};
    if (c.swarm) line["swarm"] = mixes[child.seed];
    std::ifstream summary_file(child.directory + "/summary.json");
    nlohmann::json summary;
    if (summary_file && nlohmann::json::accept(summary_file)) {
      summary_file.clear();
      summary_file.seekg(0);
      summary_file >> summary;
      line["digest"] = summary.value("digest", "");
      line["events"] = summary.value("events", 0);
    }
    report << line.dump() << "\n";
    report.flush();
    if (code != 0) ++failing;
    if (terminal) {
      std::fprintf(stderr, "\r[%zu/%zu seeds] %zu failing", done, seeds.size(), failing);
    }
    if (c.swarm && !terminal && code != 0) {
      std::fprintf(stderr, "seed %llu failed; faults: %s\n",
                   static_cast<unsigned long long>(child.seed), mixes[child.seed].c_str());
    }
  }
  if (terminal) std::fprintf(stderr, "\n");
  int worst = kExitOk;
  for (const auto& [seed, code] : exit_codes) {
    if (code == 0) continue;
    std::printf("FAIL seed %llu (exit %d): testplanet run %s --seed %llu%s   (log: %s/seed-%llu.log)\n",
                static_cast<unsigned long long>(seed), code, files[seed].c_str(),
                static_cast<unsigned long long>(seed), PlantedBugFlag(c.planted_bug).c_str(),
                out.c_str(), static_cast<unsigned long long>(seed));
    if (c.swarm) std::printf("    faults: %s\n", mixes[seed].c_str());
    std::printf("    shrink: testplanet shrink %s/seed-%llu\n", out.c_str(),
                static_cast<unsigned long long>(seed));
    worst = code == kExitBadInput ? kExitBadInput : std::max(worst, kExitFailed);
  }
  std::printf(
      "swept %zu seeds (shard %llu/%llu of %llu..%llu%s): %zu passed, %zu failed; report %s\n",
      done, static_cast<unsigned long long>(shard.index),
      static_cast<unsigned long long>(shard.total), static_cast<unsigned long long>(first),
      static_cast<unsigned long long>(last),
      done < seeds.size() ? ", stopped at the first failure" : "", done - failing, failing,
      report_path.c_str());
  return worst;
}

}  // namespace testplanet::cli
