// Reporters: everything a run leaves in its output directory, written from a RunResult.
//
//   scenario.textproto  the resolved scenario (defaults filled in), enough with the seed to replay
//   manifest.json       seed, scenario hash, build id, digest, counts: what `replay` checks against
//   summary.json        the outcome: digest, passed, events, times, orders, chore runs, checks
//   junit.xml           one test case per scenario and per check, for CI systems
//   trace.json          Chrome trace event format (Perfetto UI, chrome://tracing): a track per
//                       peer lane, a slice per chore run and per RPC, instant events for faults
//                       and checks; past kTracePartBytes, continued in trace.2.json, ...;
//                       written as the run goes when the run was given a ChromeTraceStream
//   timeline.svg        chore runs per peer over virtual time, readable in any browser
//   report.html         one self-contained page: outcome, checks, faults, the chore timeline
//                       (zoom, pan, tooltips), the unsent-orders curve, a table per chore
//   log.txt             the peers' log lines with virtual timestamps
//   trace.bin           every trace record (for `replay` to name the first divergent event)
// Each writer returns an error naming the file it could not write.
#ifndef TESTPLANET_SCENARIOS_REPORT_REPORTS_H_
#define TESTPLANET_SCENARIOS_REPORT_REPORTS_H_

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/language/loader.h"
#include "scenarios/language/runner.h"
#include "scenarios/report/chrome_trace.h"
#include "scenarios/report/floor.h"
#include "sim/status.h"

namespace testplanet::report {

struct RunFiles {
  const scenario::Plan* scenario = nullptr;
  const scenario::RunResult* result = nullptr;
  std::string reproduce;    // the command that reproduces this run
  double wall_seconds = 0;  // measured by the CLI
  // A sweep's seed: a passing run writes only manifest.json and summary.json, a failing one
  // everything but trace.json (its reproduce command writes a whole directory again).
  bool lean = false;
  // This machine's unit costs, measured by the command: summary.json then has the run's floor
  // (floor.h). Unset (a sweep's lean seed, a GoogleTest run): no floor.
  std::optional<UnitCosts> unit_costs = {};
  // trace.json, written as the run went (the command line's runs): the reports finish it.
  // Null: written from the result's records with the other files.
  ChromeTraceSink* chrome_trace = nullptr;
};

Status WriteRunDirectory(const std::string& directory, const RunFiles& run);
// Writes `text` to `path`, replacing what was there; the error names the path. Every report
// file is written through it.
Status WriteFile(const std::string& path, const std::string& text);
// What a run without a scenario file leaves (testplanet::Run in a GoogleTest body): summary,
// trace.json, timeline.svg, report.html, log.txt, trace.bin. `run.scenario` may be null.
Status WriteTraceFiles(const std::string& directory, const RunFiles& run);

Status WriteManifest(const std::string& path, const RunFiles& run);
Status WriteSummary(const std::string& path, const RunFiles& run);
Status WriteJunit(const std::string& path, const std::vector<RunFiles>& runs);
Status WriteTimelineSvg(const std::string& path, const scenario::RunResult& result);
std::string ReportHtml(const RunFiles& run);
// The same, drawn from a model the caller built once (BuildRunModel) for both.
struct RunModel;
Status WriteTimelineSvg(const std::string& path, const scenario::RunResult& result,
                        const RunModel& model);
std::string ReportHtml(const RunFiles& run, const RunModel& model);
// What report.html holds at most, so that a browser shows it. Past `spans`, whole peers in row
// order and the whole planet's runs as densities per kind of peer and chore; past `chore_rows`,
// the chores table has totals per kind of peer and chore, then the drawn peers' rows.
struct HtmlLimits {
  std::size_t spans = 200'000;
  std::size_t chore_rows = 2'000;
};
std::string ReportHtml(const RunFiles& run, const RunModel& model, const HtmlLimits& limits);
Status WriteReportHtml(const std::string& path, const RunFiles& run);
Status WriteLog(const std::string& path, const scenario::RunResult& result);
Status WriteRecords(const std::string& path, const RecordLog& records);
StatusOr<RecordLog> ReadRecords(const std::string& path);

// The resolved scenario (defaults filled in) in text format, and the hash that identifies it
// (16 hex digits of StableHash of that text). Resolving a resolved scenario changes nothing.
std::string ResolvedText(const scenario::Plan& scenario);
std::string ScenarioHash(const scenario::Plan& scenario);

// The index of the first record where `a` and `b` differ, or nullopt if they are equal.
std::optional<std::uint64_t> FirstDifference(const RecordLog& a, const RecordLog& b);
// What this binary was built from (git revision and build type, set at configure time).
std::string BuildId();

// Describes one trace record for people: "#1234 +1h2m0s storagenode3 cycle.run.begin a=... ".
std::string DescribeRecord(std::size_t index, const TraceRecord& record,
                           const std::vector<std::string>& peer_names,
                           const std::map<std::uint64_t, std::string>& names);

}  // namespace testplanet::report

#endif  // TESTPLANET_SCENARIOS_REPORT_REPORTS_H_
