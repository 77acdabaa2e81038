// trace.json in the Chrome trace event format, which the Perfetto UI (ui.perfetto.dev) and
// chrome://tracing open: tracks per peer, a complete ("X") slice per chore run and per served
// RPC, an instant event per fault and per check. Timestamps are virtual microseconds.
// Complete slices on one track must nest; concurrent work on one peer (an upload served while
// the sender runs) does not, so each peer's spans are packed into lanes (run_model.h) and every
// lane past the first is a track of its own, "storagenode3 (2)", sorted under the peer's.
// The file is streamed event by event (FileWriter): a long run's trace holds millions of
// events, and a JSON document of them cost more time and memory than the whole simulation.
// Past part_bytes it goes on in trace.2.json, trace.3.json, ...: each part a whole trace of one
// window of the run (its spans by begin, its faults and checks), opened on its own, its window's
// start in its process name and in otherData.from_ns. No viewer opened the 1.3 GB of a day of
// the 25,000-node network in one file.
#include <charconv>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>

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
// An event is put together in a small buffer of the writer's own and reaches the file's buffer in
// one append: a week of the network writes ~60 M events, and a dozen appends to a std::string
// each (a capacity check, a length, a copy) were most of the time trace.json took. Texts longer
// than the buffer, and those that need escaping, go to the file's buffer directly, in order.
class EventWriter {
 public:
  explicit EventWriter(FileWriter& file) : file_(file), out_(file.buffer()) {}

  void Begin(std::string_view ph, std::string_view name) {
    BeginEvent(ph);
    Spill();
    AppendJsonString(out_, name);
    Put(",\"pid\":1");
  }
  // As Begin, with the name already a JSON string (QuotedTexts).
  void BeginQuoted(std::string_view ph, std::string_view quoted_name) {
    BeginEvent(ph);
    Put(quoted_name);
    Put(",\"pid\":1");
  }
  void String(std::string_view key, std::string_view value) {
    Key(key);
    Spill();
    AppendJsonString(out_, value);
  }
  void Quoted(std::string_view key, std::string_view quoted_value) {
    Key(key);
    Put(quoted_value);
  }
  void Integer(std::string_view key, std::int64_t value) {
    Key(key);
    Number(value);
  }
  // Virtual nanoseconds as the format's microseconds, exactly: "12.5", never an exponent.
  void Micros(std::string_view key, std::int64_t ns) {
    Key(key);
    Room(kNumberBytes + 5);
    if (ns < 0) event_[size_++] = '-';
    const std::uint64_t magnitude =
        ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
    Number(magnitude / 1000);
    const auto fraction = static_cast<unsigned>(magnitude % 1000);
    if (fraction == 0) return;
    char* out = event_ + size_;
    out[0] = '.';
    out[1] = static_cast<char>('0' + fraction / 100);
    out[2] = static_cast<char>('0' + fraction / 10 % 10);
    out[3] = static_cast<char>('0' + fraction % 10);
    size_ += fraction % 100 == 0 ? 2 : fraction % 10 == 0 ? 3 : 4;
  }
  void BeginArgs() {
    Put(",\"args\":{");
    args_first_ = true;
  }
  void EndArgs() {
    Put("}");
    args_first_ = false;
  }
  void End() {
    Put("}");
    Spill();
    file_.MaybeFlush();
  }

 private:
  static constexpr std::size_t kEventBytes = 512;
  static constexpr std::size_t kNumberBytes = 20;  // the digits of any 64-bit integer, and a sign

  // `ph` and keys are literals of ours, plain ASCII: written as they are, not escaped.
  void BeginEvent(std::string_view ph) {
    Put(first_ ? std::string_view("\n{\"ph\":\"") : std::string_view(",\n{\"ph\":\""));
    first_ = false;
    Put(ph);
    Put("\",\"name\":");
  }
  void Key(std::string_view key) {
    Room(key.size() + 4);
    if (!args_first_) event_[size_++] = ',';
    args_first_ = false;
    event_[size_++] = '"';
    Put(key);
    Put("\":");
  }
  template <typename Integer>
  void Number(Integer value) {
    Room(kNumberBytes);
    size_ = static_cast<std::size_t>(
        std::to_chars(event_ + size_, event_ + kEventBytes, value).ptr - event_);
  }
  void Put(std::string_view text) {
    if (text.size() > kEventBytes - size_) {
      Spill();
      if (text.size() > kEventBytes) {
        out_.append(text);
        return;
      }
    }
    std::memcpy(event_ + size_, text.data(), text.size());
    size_ += text.size();
  }
  // Makes room for `bytes` (at most kEventBytes) in the event's buffer.
  void Room(std::size_t bytes) {
    if (bytes > kEventBytes - size_) Spill();
  }
  void Spill() {
    out_.append(event_, size_);
    size_ = 0;
  }

  FileWriter& file_;
  std::string& out_;
  char event_[kEventBytes];
  std::size_t size_ = 0;
  bool first_ = true;
  bool args_first_ = false;
};

void Metadata(const std::string& process, const RunModel& model, const Tracks& tracks,
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
  events.String("name", process);
  events.EndArgs();
  events.End();
}

// The model's texts as JSON strings, each escaped once: millions of slices share a few dozen.
class QuotedTexts {
 public:
  explicit QuotedTexts(const RunModel& model) {
    for (const std::string& text : model.texts) AppendJsonString(quoted_.emplace_back(), text);
  }
  const std::string& Of(std::uint32_t id) const { return quoted_.at(id); }

 private:
  std::vector<std::string> quoted_;
};

void Slice(const RunModel& model, const QuotedTexts& texts, const Span& span, const Tracks& tracks,
           EventWriter& events) {
  const bool chore = span.kind == Span::Kind::kChore;
  if (span.finished) {
    events.BeginQuoted("X", texts.Of(span.name));
  } else {
    events.Begin("X", model.Text(span.name) + " (unfinished)");
  }
  events.Quoted("cat", chore ? "\"chore\"" : "\"rpc\"");
  events.Integer("tid", tracks.Of(span.peer, span.lane));
  events.Micros("ts", span.begin_ns);
  events.Micros("dur", span.end_ns - span.begin_ns);
  events.BeginArgs();
  if (chore) {
    events.Integer("run", static_cast<std::int64_t>(span.run));
    events.Quoted("why", texts.Of(span.why));
  } else {
    events.Quoted("caller", texts.Of(span.why));
  }
  if (span.finished) {
    events.Quoted("status", texts.Of(span.status));
  } else {
    events.String("status", "unfinished at the end of the run");
  }
  events.EndArgs();
  events.End();
}

// The path of part `part` (from 1) of the trace at `path`: trace.json, then trace.2.json, ...
std::string PartPath(const std::string& path, int part) {
  if (part == 1) return path;
  const std::string stem = path.ends_with(".json") ? path.substr(0, path.size() - 5) : path;
  return stem + "." + std::to_string(part) + ".json";
}

// Writes the trace as consecutive parts, each a whole trace of its own (header, track names,
// then its events), so that each opens by itself; a part ends at the first event past
// `part_bytes`.
class PartedTrace {
 public:
  PartedTrace(const std::string& path, const scenario::RunResult& result, const RunModel& model,
              std::size_t part_bytes)
      : path_(path), result_(result), model_(model), tracks_(model), part_bytes_(part_bytes) {}

  // The event writer for an event at `time_ns`: the current part's, or a new part's when the
  // current one is full (never before the part holds one event).
  EventWriter& At(std::int64_t time_ns) {
    if (!file_ || (events_in_part_ > 0 && file_->size() >= part_bytes_)) Open(time_ns);
    ++events_in_part_;
    return *events_;
  }
  const Tracks& tracks() const { return tracks_; }

  Status Close() {
    if (!file_) At(0);  // no events at all: still one (empty) trace
    Finish();
    RemoveLaterParts();
    return errors_.Combined();
  }

 private:
  void Open(std::int64_t from_ns) {
    Finish();
    ++part_;
    events_in_part_ = 0;
    file_.emplace(PartPath(path_, part_));
    std::string& out = file_->buffer();
    out += "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"seed\":";
    out += std::to_string(result_.seed);
    out += ",\"digest\":\"" + Trace::FormatDigest(result_.digest) + "\"";
    out += ",\"part\":" + std::to_string(part_) + ",\"from_ns\":" + std::to_string(from_ns);
    out += "},\"traceEvents\":[";
    events_.emplace(*file_);
    std::string process = result_.scenario + " (seed " + std::to_string(result_.seed) + ")";
    if (part_ > 1) {
      process +=
          ", part " + std::to_string(part_) + " from " + FormatTime(TimePoint(Duration(from_ns)));
    }
    Metadata(process, model_, tracks_, *events_);
  }
  // Parts an earlier, longer run left beside this trace would read as part of this one.
  void RemoveLaterParts() {
    const std::filesystem::path first(path_);
    const std::string stem = first.stem().string() + ".";
    std::error_code error;
    std::vector<std::filesystem::path> stale;
    for (const auto& entry : std::filesystem::directory_iterator(
             first.has_parent_path() ? first.parent_path() : ".", error)) {
      const std::string name = entry.path().filename().string();
      // trace.<digits>.json; trace.json itself is the stem and ".json" with nothing between.
      if (name.size() <= stem.size() + 5 || !name.starts_with(stem) || !name.ends_with(".json")) {
        continue;
      }
      const std::string_view number(name.data() + stem.size(), name.size() - stem.size() - 5);
      int part = 0;
      const auto [end, parsed] =
          std::from_chars(number.data(), number.data() + number.size(), part);
      if (parsed == std::errc() && end == number.data() + number.size() && part > part_) {
        stale.push_back(entry.path());
      }
    }
    for (const auto& path : stale) std::filesystem::remove(path, error);
  }
  void Finish() {
    if (!file_) return;
    file_->buffer() += "\n]}\n";
    errors_.Add(file_->Close());
    events_.reset();
    file_.reset();
  }

  const std::string& path_;
  const scenario::RunResult& result_;
  const RunModel& model_;
  const Tracks tracks_;
  const std::size_t part_bytes_;
  std::optional<FileWriter> file_;
  std::optional<EventWriter> events_;
  int part_ = 0;
  std::size_t events_in_part_ = 0;
  StatusGroup errors_;
};

void Fault(const Mark& fault, const Tracks& tracks, EventWriter& events) {
  events.Begin("i", fault.what);
  events.String("cat", "fault");
  events.String("s", "t");
  events.Integer("tid", tracks.Of(fault.peer, 0));
  events.Micros("ts", fault.time_ns);
  events.End();
}

void Check(const Mark& check, EventWriter& events) {
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

}  // namespace

Status WriteChromeTrace(const std::string& path, const scenario::RunResult& result,
                        const RunModel& model, std::size_t part_bytes) {
  PartedTrace trace(path, result, model, part_bytes);
  const QuotedTexts texts(model);
  // Spans by begin, faults and checks by time (the model keeps each list in that order), merged
  // so that each part covers one window of the run.
  std::size_t fault = 0, check = 0;
  auto marks_until = [&](std::int64_t time_ns) {
    for (;;) {
      const bool f = fault < model.faults.size() && model.faults[fault].time_ns <= time_ns;
      const bool c = check < model.checks.size() && model.checks[check].time_ns <= time_ns;
      if (f && (!c || model.faults[fault].time_ns <= model.checks[check].time_ns)) {
        const Mark& m = model.faults[fault++];
        Fault(m, trace.tracks(), trace.At(m.time_ns));
      } else if (c) {
        const Mark& m = model.checks[check++];
        Check(m, trace.At(m.time_ns));
      } else {
        return;
      }
    }
  };
  for (const Span& span : model.spans) {
    marks_until(span.begin_ns);
    Slice(model, texts, span, trace.tracks(), trace.At(span.begin_ns));
  }
  marks_until(std::numeric_limits<std::int64_t>::max());
  return trace.Close();
}

Status WriteChromeTrace(const std::string& path, const scenario::RunResult& result) {
  return WriteChromeTrace(path, result, BuildRunModel(result), kTracePartBytes);
}

}  // namespace testplanet::report
