// ChromeTraceStream: trace.json written as the run goes, in the Chrome trace event format that
// the Perfetto UI (ui.perfetto.dev) and chrome://tracing open. A complete ("X") slice per chore
// run and per served RPC, written when it ends; an instant event per fault and per check,
// written when it happens; a track per peer lane, named in each part before its first use.
// Promises: memory holds the spans open and each peer's lanes, never the ones written, so a
// week of 25,000 nodes writes ~60 M slices in a few megabytes; the disk takes the file while
// the simulation runs instead of after it. Each part (trace.json, then trace.2.json, ... past
// `part_bytes`) is a whole trace of the events written in one window of the run: its window's
// start in otherData.from_ns and in its process name. The run's digest, unknown until it ends,
// is written into every part's header by Finish; a run that never finished leaves
// "(run unfinished)" there.
// Trap: events are in the order they were written — slices by their end, not by their begin
// (the format allows it; both viewers sort). A part names the tracks known when it opens and
// each later one as it first appears; track ids follow peer order (Perfetto orders tracks by
// activity whatever the trace says; thread_sort_index keeps a peer's lanes together in
// chrome://tracing).
#ifndef TESTPLANET_SCENARIOS_REPORT_CHROME_TRACE_H_
#define TESTPLANET_SCENARIOS_REPORT_CHROME_TRACE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "scenarios/language/trace_level.h"
#include "scenarios/report/span_tracker.h"
#include "sim/status.h"

namespace testplanet::scenario {
struct RunResult;
}  // namespace testplanet::scenario

namespace testplanet::report {

// trace.json's parts: the Perfetto UI parses a trace in the browser and fails on JSON traces of
// about a gigabyte (chrome://tracing at 256 MB), so a long run's trace is cut into consecutive
// windows of about this many bytes, each a whole trace: trace.json, trace.2.json, ...
inline constexpr std::size_t kTracePartBytes = std::size_t{256} << 20;

// The records trace.json is made from at a trace level: chore runs' begins and ends, RPC
// streams' opens and ends, scenario and network faults, each when the level keeps its kind, and
// every check (a check is named by how many came before it, kept or not). A sender may leave
// every other record out: the file is the same.
class ChromeTraceKinds {
 public:
  explicit ChromeTraceKinds(scenario::TraceLevel level);

  bool Takes(std::uint64_t kind) const {
    for (std::size_t i = 0; i < count_; ++i) {
      if (taken_[i] == kind) return true;
    }
    return false;
  }
  // Whether checks are shown (they are taken, to be counted, either way).
  bool ShowsChecks() const { return shows_checks_; }

 private:
  std::array<std::uint64_t, 7> taken_{};
  std::size_t count_ = 0;
  bool shows_checks_ = false;
};

// What takes a run's records for trace.json as they are made and finishes the file: the stream
// itself, or the command line's child process that runs one (cli/trace_process.h).
class ChromeTraceSink {
 public:
  virtual ~ChromeTraceSink() = default;
  // Takes one record of the run, any kind (those trace.json does not show cost a few
  // comparisons), named by `tables` (the running Trace's, or a finished run's).
  virtual void Add(const TraceRecord& record, const NameTables& tables) = 0;
  // Writes the spans still open as unfinished ones to the run's end, the digest into every
  // part, closes the last part and removes any later part an earlier run left beside it.
  // Returns the first error writing any part, naming its file.
  virtual Status Finish(const scenario::RunResult& result) = 0;
};

class ChromeTraceStream final : public ChromeTraceSink {
 public:
  struct Options {
    std::string scenario;  // the scenario's name, in each part's process name
    std::uint64_t seed = 0;
    // Which records the run keeps: trace.json shows those only, as if written from trace.bin.
    scenario::TraceLevel level = scenario::TraceLevel::kAll;
    // A check's name from its record (a = its index in the file) and how many check records
    // came before it.
    std::function<std::string(std::uint64_t index, std::size_t ordinal)> check_name;
    std::size_t part_bytes = kTracePartBytes;
  };

  ChromeTraceStream(std::string path, Options options);
  ~ChromeTraceStream() override;
  ChromeTraceStream(const ChromeTraceStream&) = delete;
  ChromeTraceStream& operator=(const ChromeTraceStream&) = delete;

  void Add(const TraceRecord& record, const NameTables& tables) override;
  Status Finish(const scenario::RunResult& result) override;

 private:
  class Writer;
  std::unique_ptr<Writer> writer_;
};

// trace.json of a finished run, from its kept records (testplanet::Run's failing test, replay).
Status WriteChromeTrace(const std::string& path, const scenario::RunResult& result,
                        std::size_t part_bytes = kTracePartBytes);

}  // namespace testplanet::report

#endif  // TESTPLANET_SCENARIOS_REPORT_CHROME_TRACE_H_
