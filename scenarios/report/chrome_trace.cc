// trace.json as the run goes (chrome_trace.h): spans from the SpanTracker, written when they
// end, faults and checks when they happen, each into the part being filled. The file is
// streamed event by event (FileWriter): a long run's trace holds millions of events, and a
// JSON document of them cost more time and memory than the whole simulation.
#include "scenarios/report/chrome_trace.h"

#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <vector>

#include "fakes/sim_network.h"
#include "scenarios/language/runner.h"
#include "scenarios/report/file_writer.h"
#include "scenarios/report/markup.h"
#include "scenarios/report/reports.h"

namespace testplanet::report {
namespace {

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

// The path of part `part` (from 1) of the trace at `path`: trace.json, then trace.2.json, ...
std::string PartPath(const std::string& path, int part) {
  if (part == 1) return path;
  const std::string stem = path.ends_with(".json") ? path.substr(0, path.size() - 5) : path;
  return stem + "." + std::to_string(part) + ".json";
}

}  // namespace

ChromeTraceKinds::ChromeTraceKinds(scenario::TraceLevel level)
    : shows_checks_(scenario::KeepsKind(level, scenario::scenario_kinds::kCheck.id)) {
  const auto take = [&](std::initializer_list<std::uint64_t> kinds) {
    if (!scenario::KeepsKind(level, *kinds.begin())) return;
    for (std::uint64_t kind : kinds) taken_[count_++] = kind;
  };
  take({trace_kinds::kCycleRunBegin.id, trace_kinds::kCycleRunEnd.id});
  take({fakes::net_kinds::kStreamOpen.id, fakes::net_kinds::kStreamEnd.id});
  take({scenario::scenario_kinds::kFault.id});
  take({fakes::net_kinds::kFault.id});
  taken_[count_++] = scenario::scenario_kinds::kCheck.id;
}

// Where a record goes: spans to the tracker (which calls back as they begin and end), faults
// and checks straight to the part being filled.
class ChromeTraceStream::Writer : public SpanTracker::Sink {
 public:
  Writer(std::string path, Options options)
      : path_(std::move(path)), options_(std::move(options)), kinds_(options_.level) {}

  void Add(const TraceRecord& r, const NameTables& tables) {
    const std::uint64_t kind = r.kind;
    if (!kinds_.Takes(kind)) return;
    if (kind == scenario::scenario_kinds::kCheck.id) {
      const std::size_t ordinal = checks_seen_++;
      if (kinds_.ShowsChecks()) Check(r, ordinal);
      return;
    }
    tables_ = &tables;
    if (!tracker_.Add(r, tables)) Fault(r, tables.NameOf(r.a));  // not a span's: a fault
    tables_ = nullptr;
  }

  Status Finish(const scenario::RunResult& result) {
    const NameTables tables{result.peer_names, result.names};
    tables_ = &tables;
    tracker_.EndAll(result.end.time_since_epoch().count());
    if (!file_) At(0);  // no events at all: still one (empty) trace
    ClosePart();
    tables_ = nullptr;
    const std::string digest = Trace::FormatDigest(result.digest);
    for (const Part& part : parts_) errors_.Add(Patch(part, digest));
    RemoveLaterParts();
    return errors_.Combined();
  }

  std::size_t Began(const Span&) override { return 0; }
  void Ended(const Span& span, std::size_t) override { Slice(span); }
  void Dropped(std::size_t) override {}

 private:
  // Sixteen characters, the length of a digest, so Finish writes the digest in its place.
  static constexpr std::string_view kPendingDigest = "(run unfinished)";

  struct Part {
    std::string path;
    std::size_t digest_at = 0;  // where the digest goes in its header
  };

  // The event writer for an event at `time_ns`: the current part's, or a new part's when the
  // current one is full (never before the part holds one event).
  EventWriter& At(std::int64_t time_ns) {
    if (!file_ || (events_in_part_ > 0 && file_->size() >= options_.part_bytes)) Open(time_ns);
    ++events_in_part_;
    return *events_;
  }

  void Open(std::int64_t from_ns) {
    ClosePart();
    Part& part = parts_.emplace_back();
    part.path = PartPath(path_, static_cast<int>(parts_.size()));
    events_in_part_ = 0;
    file_.emplace(part.path);
    std::string& out = file_->buffer();
    out += "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"seed\":";
    out += std::to_string(options_.seed);
    out += ",\"digest\":\"";
    part.digest_at = out.size();
    out += kPendingDigest;
    out +=
        "\",\"part\":" + std::to_string(parts_.size()) + ",\"from_ns\":" + std::to_string(from_ns);
    out += "},\"traceEvents\":[";
    events_.emplace(*file_);
    std::string process = options_.scenario + " (seed " + std::to_string(options_.seed) + ")";
    if (parts_.size() > 1) {
      process += ", part " + std::to_string(parts_.size()) + " from " +
                 FormatTime(TimePoint(Duration(from_ns)));
    }
    events_->Begin("M", "process_name");
    events_->BeginArgs();
    events_->String("name", process);
    events_->EndArgs();
    events_->End();
    NameKnownTracks();
  }

  void ClosePart() {
    if (!file_) return;
    file_->buffer() += "\n]}\n";
    errors_.Add(file_->Close());
    events_.reset();
    file_.reset();
  }

  Status Patch(const Part& part, const std::string& digest) {
    std::fstream file(part.path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(part.digest_at));
    file.write(digest.data(), static_cast<std::streamsize>(digest.size()));
    file.close();
    if (!file) return UnavailableError("cannot write the digest into " + part.path);
    return Status::Ok();
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
      if (parsed == std::errc() && end == number.data() + number.size() &&
          part > static_cast<int>(parts_.size())) {
        stale.push_back(entry.path());
      }
    }
    for (const auto& path : stale) std::filesystem::remove(path, error);
  }

  // The track of a peer's lane. A part names every track known when it opens, and a track
  // first seen later as it appears; a peer's lanes are taken lowest first, so a peer's known
  // tracks are its lanes below a count. Ids follow peer order (64 a peer; a lane past those,
  // which only a peer with more than 64 spans open at once has, gets one of its own above
  // kOverflowTids), so a slice costs one lookup in a small array, not a map.
  std::int64_t Track(PeerId peer, int lane) {
    if (peer >= named_lanes_.size()) named_lanes_.resize(peer + std::size_t{1}, 0);
    int& named = named_lanes_[peer];
    while (named <= lane) NameTrack(peer, named++);
    return TidOf(peer, lane);
  }

  std::int64_t TidOf(PeerId peer, int lane) {
    if (lane < kLanesInOrder) return static_cast<std::int64_t>(peer) * kLanesInOrder + lane;
    const auto [it, added] = overflow_tids_.try_emplace(
        {peer, lane}, kOverflowTids + static_cast<std::int64_t>(overflow_tids_.size()));
    return it->second;
  }

  void NameKnownTracks() {
    for (std::size_t peer = 0; peer < named_lanes_.size(); ++peer) {
      for (int lane = 0; lane < named_lanes_[peer]; ++lane) {
        NameTrack(static_cast<PeerId>(peer), lane);
      }
    }
  }

  void NameTrack(PeerId peer, int lane) {
    const std::int64_t tid = TidOf(peer, lane);
    const std::string_view peer_name = tables_ != nullptr && peer < tables_->peer_names.size()
                                           ? std::string_view(tables_->peer_names[peer])
                                           : std::string_view("?");
    std::string name(peer_name);
    if (lane > 0) name += " (" + std::to_string(lane + 1) + ")";
    events_->Begin("M", "thread_name");
    events_->Integer("tid", tid);
    events_->BeginArgs();
    events_->String("name", name);
    events_->EndArgs();
    events_->End();
    events_->Begin("M", "thread_sort_index");
    events_->Integer("tid", tid);
    events_->BeginArgs();
    events_->Integer("sort_index",
                     (static_cast<std::int64_t>(peer) << 20) + std::min(lane, (1 << 20) - 1));
    events_->EndArgs();
    events_->End();
  }

  // The tracker's texts as JSON strings, each escaped once: millions of slices share a few
  // dozen.
  const std::string& Quoted(std::uint32_t id) {
    while (quoted_.size() <= id) {
      const std::string& text = tracker_.texts()[quoted_.size()];
      AppendJsonString(quoted_.emplace_back(), text);
    }
    return quoted_[id];
  }

  void Slice(const Span& span) {
    EventWriter& events = At(span.end_ns);
    const std::int64_t tid = Track(span.peer, span.lane);
    const bool chore = span.kind == Span::Kind::kChore;
    if (span.finished) {
      events.BeginQuoted("X", Quoted(span.name));
    } else {
      events.Begin("X", tracker_.texts()[span.name] + " (unfinished)");
    }
    events.Quoted("cat", chore ? "\"chore\"" : "\"rpc\"");
    events.Integer("tid", tid);
    events.Micros("ts", span.begin_ns);
    events.Micros("dur", span.end_ns - span.begin_ns);
    events.BeginArgs();
    if (chore) {
      events.Integer("run", static_cast<std::int64_t>(span.run));
      events.Quoted("why", Quoted(span.why));
    } else {
      events.Quoted("caller", Quoted(span.why));
    }
    if (span.finished) {
      events.Quoted("status", Quoted(span.status));
    } else {
      events.String("status", "unfinished at the end of the run");
    }
    events.EndArgs();
    events.End();
  }

  void Fault(const TraceRecord& r, std::string_view what) {
    EventWriter& events = At(r.time_ns);
    const std::int64_t tid = Track(r.peer, 0);
    events.Begin("i", what);
    events.String("cat", "fault");
    events.String("s", "t");
    events.Integer("tid", tid);
    events.Micros("ts", r.time_ns);
    events.End();
  }

  void Check(const TraceRecord& r, std::size_t ordinal) {
    EventWriter& events = At(r.time_ns);
    const std::int64_t tid = Track(kSimulatorPeer, 0);
    const std::string name =
        options_.check_name ? options_.check_name(r.a, ordinal) : "check " + std::to_string(r.a);
    events.Begin("i", r.b != 0 ? "check passed" : "check FAILED");
    events.String("cat", "check");
    events.String("s", "g");
    events.Integer("tid", tid);
    events.Micros("ts", r.time_ns);
    events.BeginArgs();
    events.String("check", name);
    events.EndArgs();
    events.End();
  }

  const std::string path_;
  const Options options_;
  SpanTracker tracker_{*this};
  const NameTables* tables_ = nullptr;  // while a record (or Finish) is being taken
  const ChromeTraceKinds kinds_;
  std::size_t checks_seen_ = 0;
  std::vector<std::string> quoted_;
  static constexpr int kLanesInOrder = 64;
  static constexpr std::int64_t kOverflowTids = std::int64_t{1} << 30;
  std::vector<int> named_lanes_;  // by peer: its lanes with a track so far
  std::map<std::pair<PeerId, int>, std::int64_t> overflow_tids_;
  std::vector<Part> parts_;
  std::optional<FileWriter> file_;
  std::optional<EventWriter> events_;
  std::size_t events_in_part_ = 0;
  StatusGroup errors_;
};

ChromeTraceStream::ChromeTraceStream(std::string path, Options options)
    : writer_(std::make_unique<Writer>(std::move(path), std::move(options))) {}

ChromeTraceStream::~ChromeTraceStream() = default;

void ChromeTraceStream::Add(const TraceRecord& record, const NameTables& tables) {
  writer_->Add(record, tables);
}

Status ChromeTraceStream::Finish(const scenario::RunResult& result) {
  return writer_->Finish(result);
}

Status WriteChromeTrace(const std::string& path, const scenario::RunResult& result,
                        std::size_t part_bytes) {
  ChromeTraceStream trace(path, {.scenario = result.scenario,
                                 .seed = result.seed,
                                 .level = result.trace_level,
                                 .check_name =
                                     [&result](std::uint64_t index, std::size_t ordinal) {
                                       // The n-th check record is the n-th outcome: each joins the
                                       // result as it is made.
                                       return ordinal < result.checks.size()
                                                  ? result.checks[ordinal].name
                                                  : "check " + std::to_string(index);
                                     },
                                 .part_bytes = part_bytes});
  const NameTables tables{result.peer_names, result.names};
  for (const TraceRecord& r : result.records) trace.Add(r, tables);
  return trace.Finish(result);
}

}  // namespace testplanet::report
