// `testplanet merge`: the reports of a sweep's shards (GitHub Actions matrix jobs, Kubernetes
// indexed jobs) into one sweep: OUT/sweep.jsonl in seed order, junit.xml, index.html, the
// failures grouped by signature on stdout, and $GITHUB_STEP_SUMMARY when it is set.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "scenarios/cli/commands.h"
#include "scenarios/cli/outputs.h"
#include "scenarios/planet/owned_directory.h"
#include "scenarios/report/sweep_report.h"

namespace testplanet::cli {
namespace {

// A kept run's directory as the shard's machine named it, found again beside the shard's
// report where the reports were gathered (the shard's OUT/seed-N next to OUT/sweep.jsonl).
std::string Relocate(const std::string& out, const std::string& report) {
  if (out.empty() || std::filesystem::is_directory(out)) return out;
  const auto beside =
      std::filesystem::path(report).parent_path() / std::filesystem::path(out).filename();
  return std::filesystem::is_directory(beside) ? beside.string() : out;
}

}  // namespace

int Merge(const MergeCommand& c) {
  std::vector<report::SweepRow> rows;
  for (const std::string& path : c.reports) {
    auto read = report::ReadSweepRows({path});
    if (!read.ok()) {
      std::fprintf(stderr, "testplanet: %s\n", read.status().ToString().c_str());
      return kExitBadInput;
    }
    for (auto& row : *read) {
      row.out = Relocate(row.out, path);
      rows.push_back(std::move(row));
    }
  }
  // Seed order across shards, and no seed twice (ReadSweepRows checks each file alone).
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.seed < b.seed; });
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].seed == rows[i - 1].seed) {
      std::fprintf(stderr, "testplanet: seed %llu is in more than one report (shards overlap)\n",
                   static_cast<unsigned long long>(rows[i].seed));
      return kExitBadInput;
    }
  }
  const std::string out = c.out.empty() ? "testplanet-out/merged" : c.out;
  // ClaimDirectory checks the directory is claimable first; one that cannot be made is the
  // flag's fault, as a bad value is: exit 2.
  if (!Report(ClaimDirectory(out).WithContext("--out"))) return kExitBadInput;
  std::ofstream merged(out + "/sweep.jsonl", std::ios::trunc);
  std::size_t failed = 0;
  double seconds = 0;
  for (const auto& row : rows) {
    merged << report::SweepRowJson(row) << "\n";
    failed += row.passed ? 0 : 1;
    seconds += row.wall_seconds;
  }
  merged.close();
  if (!merged) {
    std::fprintf(stderr, "testplanet: cannot write %s/sweep.jsonl\n", out.c_str());
    return kExitFailed;
  }
  const char* step_summary = std::getenv("GITHUB_STEP_SUMMARY");
  const std::string title = "sweep " +
                            (rows.empty() ? std::string("(empty)") : rows.front().scenario) +
                            " merged from " + std::to_string(c.reports.size()) + " report(s)";
  report::SweepFacts facts{title, seconds, "", step_summary ? step_summary : ""};
  for (const auto& group : report::GroupFailures(rows)) {
    std::printf("FAIL %zu seed(s) [%s %s] %s\n    first: %s\n", group.seeds.size(),
                group.failure.kind.c_str(), group.failure.signature.c_str(),
                group.failure.message.c_str(), group.reproduce.c_str());
    if (!group.out.empty()) std::printf("    run:   %s\n", group.out.c_str());
  }
  const Status written = report::WriteSweepReports(out, rows, facts);
  if (!written.ok()) {
    std::fprintf(stderr, "testplanet: %s\n", written.ToString().c_str());
    return kExitFailed;
  }
  std::printf(
      "merged %zu seeds from %zu report(s): %zu passed, %zu failed -> %s (sweep.jsonl, "
      "junit.xml, index.html)\n",
      rows.size(), c.reports.size(), rows.size() - failed, failed, out.c_str());
  return failed > 0 ? kExitFailed : kExitOk;
}

}  // namespace testplanet::cli
