// trace.json in the Chrome trace event format, which the Perfetto UI (ui.perfetto.dev) and
// chrome://tracing open: tracks per peer, a complete ("X") slice per chore run and per served
// RPC, an instant event per fault and per check. Timestamps are virtual microseconds.
// Complete slices on one track must nest; concurrent work on one peer (an upload served while
// the sender runs) does not, so each peer's spans are packed into lanes (run_model.h) and every
// lane past the first is a track of its own, "storagenode3 (2)", sorted under the peer's.
// The file is streamed event by event (FileWriter): a long run's trace holds millions of
// events, and a JSON document of them cost more time and memory than the whole simulation.
#include <charconv>

#include "scenarios/report/file_writer.h"
#include "scenarios/report/markup.h"
#include "scenarios/report/reports.h"
#include "scenarios/report/run_model.h"

namespace testplanet::report {
namespace {

// Track ids, dense and in peer order: a peer's lanes are consecutive tracks, however many lanes
// a peer needs (a satellite serving thousands of nodes at once needs thousands).
class Tracks {
 public:
  explicit Tracks(const RunModel& model) {
    std::int64_t next = 0;
    for (std::size_t peer = 0; peer < model.peer_names.size(); ++peer) {
      first_.push_back(next);
      next += peer < model.lanes.size() ? model.lanes[peer] : 1;
    }
  }
  std::int64_t Of(PeerId peer, int lane) const {
    return peer < first_.size() ? first_[peer] + lane : lane;
  }

 private:
  std::vector<std::int64_t> first_;
};

// Appends one event object, `"key":value` pairs written by the caller between Begin and End.
class EventWriter {
 public:
  explicit EventWriter(FileWriter& file) : file_(file), out_(file.buffer()) {}

  void Begin(std::string_view ph, std::string_view name) {
    out_ += first_ ? "\n{" : ",\n{";
    first_ = false;
    out_ += "\"ph\":";
    AppendJsonString(out_, ph);
    out_ += ",\"name\":";
    AppendJsonString(out_, name);
    out_ += ",\"pid\":1";
  }
  void String(std::string_view key, std::string_view value) {
    Key(key);
    AppendJsonString(out_, value);
  }
  void Integer(std::string_view key, std::int64_t value) {
    Key(key);
    Number(value);
  }
  // Virtual nanoseconds as the format's microseconds, exactly: "12.5", never an exponent.
  void Micros(std::string_view key, std::int64_t ns) {
    Key(key);
    if (ns < 0) out_ += '-';
    const std::uint64_t magnitude =
        ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
    Number(magnitude / 1000);
    const auto fraction = static_cast<unsigned>(magnitude % 1000);
    if (fraction == 0) return;
    const char digits[3] = {static_cast<char>('0' + fraction / 100),
                            static_cast<char>('0' + fraction / 10 % 10),
                            static_cast<char>('0' + fraction % 10)};
    out_ += '.';
    out_.append(digits, fraction % 100 == 0 ? 1 : fraction % 10 == 0 ? 2 : 3);
  }
  void BeginArgs() {
    out_ += ",\"args\":{";
    args_first_ = true;
  }
  void EndArgs() {
    out_ += '}';
    args_first_ = false;
  }
  void End() {
    out_ += '}';
    file_.MaybeFlush();
  }

 private:
  void Key(std::string_view key) {
    if (!args_first_) out_ += ',';
    args_first_ = false;
    AppendJsonString(out_, key);
    out_ += ':';
  }
  template <typename Integer>
  void Number(Integer value) {
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof(digits), value);
    out_.append(digits, result.ptr);
  }

  FileWriter& file_;
  std::string& out_;
  bool first_ = true;
  bool args_first_ = false;
};

void Metadata(const scenario::RunResult& result, const RunModel& model, const Tracks& tracks,
              EventWriter& events) {
  for (std::size_t peer = 0; peer < model.peer_names.size(); ++peer) {
    const int lanes = peer < model.lanes.size() ? model.lanes[peer] : 1;
    for (int lane = 0; lane < lanes; ++lane) {
      const std::int64_t tid = tracks.Of(static_cast<PeerId>(peer), lane);
      const std::string name =
          model.peer_names[peer] + (lane == 0 ? "" : " (" + std::to_string(lane + 1) + ")");
      events.Begin("M", "thread_name");
      events.Integer("tid", tid);
      events.BeginArgs();
      events.String("name", name);
      events.EndArgs();
      events.End();
      events.Begin("M", "thread_sort_index");
      events.Integer("tid", tid);
      events.BeginArgs();
      events.Integer("sort_index", tid);
      events.EndArgs();
      events.End();
    }
  }
  events.Begin("M", "process_name");
  events.BeginArgs();
  events.String("name", result.scenario + " (seed " + std::to_string(result.seed) + ")");
  events.EndArgs();
  events.End();
}

void Slice(const RunModel& model, const Span& span, const Tracks& tracks, EventWriter& events) {
  const bool chore = span.kind == Span::Kind::kChore;
  const std::string& name = model.Text(span.name);
  events.Begin("X", span.finished ? name : name + " (unfinished)");
  events.String("cat", chore ? "chore" : "rpc");
  events.Integer("tid", tracks.Of(span.peer, span.lane));
  events.Micros("ts", span.begin_ns);
  events.Micros("dur", span.end_ns - span.begin_ns);
  events.BeginArgs();
  if (chore) {
    events.Integer("run", static_cast<std::int64_t>(span.run));
    events.String("why", model.Text(span.why));
  } else {
    events.String("caller", model.Text(span.why));
  }
  events.String("status", span.finished ? std::string_view(model.Text(span.status))
                                        : std::string_view("unfinished at the end of the run"));
  events.EndArgs();
  events.End();
}

}  // namespace

Status WriteChromeTrace(const std::string& path, const scenario::RunResult& result,
                        const RunModel& model) {
  const Tracks tracks(model);
  FileWriter file(path);
  file.buffer() += "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"seed\":";
  file.buffer() += std::to_string(result.seed);
  file.buffer() += ",\"digest\":\"" + Trace::FormatDigest(result.digest) + "\"},\"traceEvents\":[";
  EventWriter events(file);
  Metadata(result, model, tracks, events);
  for (const Span& span : model.spans) Slice(model, span, tracks, events);
  for (const Mark& fault : model.faults) {
    events.Begin("i", fault.what);
    events.String("cat", "fault");
    events.String("s", "t");
    events.Integer("tid", tracks.Of(fault.peer, 0));
    events.Micros("ts", fault.time_ns);
    events.End();
  }
  for (const Mark& check : model.checks) {
    events.Begin("i", check.passed ? "check passed" : "check FAILED");
    events.String("cat", "check");
    events.String("s", "g");
    events.Integer("tid", 0);
    events.Micros("ts", check.time_ns);
    events.BeginArgs();
    events.String("check", check.what);
    events.EndArgs();
    events.End();
  }
  file.buffer() += "\n]}\n";
  return file.Close();
}

Status WriteChromeTrace(const std::string& path, const scenario::RunResult& result) {
  return WriteChromeTrace(path, result, BuildRunModel(result));
}

}  // namespace testplanet::report
