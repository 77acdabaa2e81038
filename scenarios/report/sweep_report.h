// A sweep's reports, made from its rows (one JSON line per seed): the failures grouped by
// signature, junit.xml (a test case per signature and one for the sweep), index.html (seeds,
// failures, links to each kept run), and a Markdown summary for $GITHUB_STEP_SUMMARY. The
// `testplanet sweep` that ran the seeds and `testplanet merge` (shards from many machines) both
// call these, so a merged sweep reads like one that ran in one place.
//
// A failure's signature names what failed, not where or when: its kind and message with every
// run of digits replaced by '#', hashed. "storagenode3 orders.sender ticked while paused (run at
// +2m4s)" and the same on storagenode5 at another time share one signature.
#ifndef TESTPLANET_SCENARIOS_REPORT_SWEEP_REPORT_H_
#define TESTPLANET_SCENARIOS_REPORT_SWEEP_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/language/runner.h"
#include "sim/status.h"

namespace testplanet::report {

struct RunFailure {
  std::string kind;       // "check", "invariant", "error", "crash"
  std::string message;    // one line: which check, expected and found; or the error
  std::string signature;  // 16 hex digits (above)
};

// How a run failed, or nullopt when it passed: the first failed check, else its error.
std::optional<RunFailure> FailureOf(const scenario::RunResult& result);
// The kind of a run's error: "invariant" when the checker found one violated, else "error".
std::string ErrorKind(const Status& status);
// A failure from its kind and message, with its signature.
RunFailure MakeFailure(std::string kind, std::string message);

struct SweepRow {
  std::string scenario;
  std::string file;
  std::uint64_t seed = 0;
  int exit = 0;
  bool passed = true;
  std::string out;  // the seed's run directory; "" when it was not kept
  std::string reproduce;
  std::string swarm;  // the seed's drawn mix, with --swarm
  std::string digest;
  std::uint64_t events = 0;
  double wall_seconds = 0;
  std::optional<RunFailure> failure;
};

// The row as one line of JSON (no newline); ReadSweepRows reads such lines back.
std::string SweepRowJson(const SweepRow& row);
// Rows from JSON-lines files (a sweep's report, or shards of one), checked as untrusted input:
// an error names the file, the line and the field. Rows come back in seed order; a seed that
// two files both hold is an error.
StatusOr<std::vector<SweepRow>> ReadSweepRows(const std::vector<std::string>& paths);

struct FailureGroup {
  RunFailure failure;  // the first seed's
  std::vector<std::uint64_t> seeds;
  std::string reproduce;  // the first seed's
  std::string out;        // the first seed's run directory, if kept
};
// Failing rows grouped by signature, the largest group first (ties: the lower first seed).
std::vector<FailureGroup> GroupFailures(const std::vector<SweepRow>& rows);

struct SweepFacts {
  std::string title;  // "sweep orders seeds 1..2000"
  double wall_seconds = 0;
  std::string stopped;       // why it stopped early ("time budget of 10m spent"), or ""
  std::string step_summary;  // a file to append the Markdown summary to ($GITHUB_STEP_SUMMARY)
};
std::string SweepJunitXml(const std::vector<SweepRow>& rows, const SweepFacts& facts);
// `base` is the directory index.html is written to; links to kept runs are relative to it.
std::string SweepIndexHtml(const std::vector<SweepRow>& rows, const SweepFacts& facts,
                           const std::string& base);
std::string SweepMarkdown(const std::vector<SweepRow>& rows, const SweepFacts& facts);

// Writes junit.xml and index.html into `directory`, and appends the Markdown summary to
// facts.step_summary when it is set.
Status WriteSweepReports(const std::string& directory, const std::vector<SweepRow>& rows,
                         const SweepFacts& facts);

}  // namespace testplanet::report

#endif  // TESTPLANET_SCENARIOS_REPORT_SWEEP_REPORT_H_
