// manifest.json, summary.json, scenario.textproto, log.txt, trace.bin, and the run directory.
#include <google/protobuf/text_format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <zstd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "scenarios/language/read_file.h"
#include "scenarios/planet/owned_directory.h"
#include "scenarios/report/check_json.h"
#include "scenarios/report/file_writer.h"
#include "scenarios/report/reports.h"
#include "scenarios/report/run_model.h"
#include "scenarios/report/sweep_report.h"
#include "sim/hash.h"

#ifndef TESTPLANET_BUILD_ID
#define TESTPLANET_BUILD_ID "unknown"
#endif

namespace testplanet::report {
namespace {

using nlohmann::json;

// The kind's registered name, or its id in hex for a kind this program does not know (a trace
// from another build).
std::string KindName(std::uint64_t kind) {
  if (std::string_view name = TraceKindName(kind); !name.empty()) return std::string(name);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "kind:%016llx", static_cast<unsigned long long>(kind));
  return buffer;
}

}  // namespace

std::string BuildId() { return TESTPLANET_BUILD_ID; }

nlohmann::json CheckJson(const scenario::CheckOutcome& check) {
  return {{"name", check.name},     {"where", check.where},       {"at", FormatTime(check.at)},
          {"passed", check.passed}, {"expected", check.expected}, {"found", check.found}};
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return UnavailableError("cannot write " + path);
  return Status::Ok();
}

std::string ResolvedText(const scenario::Plan& scenario) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(scenario.spec, &text);
  return text;
}

std::string ScenarioHash(const scenario::Plan& scenario) {
  return Trace::FormatDigest(StableHash(ResolvedText(scenario)));
}

std::optional<std::uint64_t> FirstDifference(const RecordLog& a, const RecordLog& b) {
  std::uint64_t index = 0;
  for (auto x = a.begin(), y = b.begin(); x != a.end() && y != b.end(); ++x, ++y, ++index) {
    if (!(*x == *y)) return index;
  }
  if (a.size() != b.size()) return index;
  return std::nullopt;
}

std::string DescribeRecord(std::size_t index, const TraceRecord& r,
                           const std::vector<std::string>& peer_names,
                           const std::map<std::uint64_t, std::string>& names) {
  auto name_or_number = [&](std::uint64_t v) {
    auto it = names.find(v);
    return it == names.end() ? std::to_string(v) : "\"" + it->second + "\"";
  };
  const std::string peer = r.peer < peer_names.size() ? peer_names[r.peer] : std::to_string(r.peer);
  return "#" + std::to_string(index) + " at " + FormatTime(TimePoint(Duration(r.time_ns))) +
         " seq " + std::to_string(r.seq) + " peer " + peer + " kind " + KindName(r.kind) +
         " a=" + name_or_number(r.a) + " b=" + std::to_string(r.b) + " c=" + std::to_string(r.c);
}

Status WriteManifest(const std::string& path, const RunFiles& run) {
  json manifest = {
      {"testplanet_manifest", 1},
      {"scenario", run.result->scenario},
      {"scenario_file", run.scenario->path},
      {"resolved_scenario", "scenario.textproto"},
      {"scenario_hash", ScenarioHash(*run.scenario)},
      {"seed", run.result->seed},
      {"planted_bug", run.result->planted_bug},
      {"invariants", run.result->invariants},
      {"trace", scenario::TraceLevelName(run.result->trace_level)},
      {"stop_at", run.result->stop_at ? FormatDuration(*run.result->stop_at) : ""},
      {"max_events", run.result->budget.events},
      {"max_memory_bytes", run.result->budget.memory_bytes},
      {"digest", Trace::FormatDigest(run.result->digest)},
      {"events", run.result->events},
      {"records", run.result->record_count},
      {"trace_encoding", kTraceEncodingVersion},
      {"build_id", BuildId()},
      {"reproduce", run.reproduce},
  };
  return WriteFile(path, manifest.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

// The run's floor (floor.h): what it did, what each costs here, and its wall time against that.
json FloorJson(const scenario::RunResult& r, const UnitCosts& costs, double wall_seconds) {
  const double floor = FloorSeconds(r, costs);
  return {{"events", r.events},
          {"signatures", r.work.signatures},
          {"verifications", r.work.verifications},
          {"verifications_remembered", r.work.verifications_remembered},
          {"db_reads", r.work.db_reads},
          {"db_writes", r.work.db_writes},
          {"db_scans", r.work.db_scans},
          {"blob_writes", r.work.blob_writes},
          {"blob_reads", r.work.blob_reads},
          {"unit_ns",
           {{"event", costs.event_ns},
            {"sign", costs.sign_ns},
            {"verify", costs.verify_ns},
            {"db_read", costs.db_read_ns},
            {"db_write", costs.db_write_ns},
            {"db_scan", costs.db_scan_ns},
            {"blob_write", costs.blob_write_ns},
            {"blob_read", costs.blob_read_ns}}},
          {"seconds", floor},
          {"wall_seconds", wall_seconds},
          {"floor_over_wall", wall_seconds > 0 ? floor / wall_seconds : 0.0}};
}

Status WriteSummary(const std::string& path, const RunFiles& run) {
  const scenario::RunResult& r = *run.result;
  json orders = json::array();
  for (const auto& o : r.orders) {
    orders.push_back({{"peer", o.peer},
                      {"unsent", o.unsent},
                      {"accepted", o.accepted},
                      {"rejected", o.rejected}});
  }
  json chores = json::array();
  for (const auto& c : r.chores) {
    chores.push_back({{"peer", c.peer},
                      {"chore", c.chore},
                      {"runs", c.runs},
                      {"ticks_dropped", c.ticks_dropped}});
  }
  json checks = json::array();
  for (const auto& c : r.checks) {
    checks.push_back(CheckJson(c));
  }
  json summary = {
      {"scenario", r.scenario},
      {"seed", r.seed},
      {"digest", Trace::FormatDigest(r.digest)},
      {"passed", r.passed()},
      {"error", r.status.ok() ? "" : r.status.ToString()},
      {"events", r.events},
      {"records", r.record_count},
      {"trace", scenario::TraceLevelName(r.trace_level)},
      {"records_kept", r.records.size()},
      {"virtual_seconds", static_cast<double>(r.end.time_since_epoch().count()) / 1e9},
      {"wall_seconds", run.wall_seconds},
      {"orders", orders},
      {"chore_runs", chores},
      {"faults", r.faults},
      {"invariant_checks", r.invariant_checks},
      {"bytes_lost_in_crashes", r.bytes_lost_in_crashes},
      {"traffic", r.traffic},
      {"checks", checks},
      {"reproduce", run.reproduce},
  };
  // How it failed, and the failure's signature: what a sweep groups its failing seeds by.
  if (const auto failure = FailureOf(r)) {
    summary["failure_kind"] = failure->kind;
    summary["failure"] = failure->message;
    summary["signature"] = failure->signature;
  }
  if (run.unit_costs) summary["floor"] = FloorJson(r, *run.unit_costs, run.wall_seconds);
  return WriteFile(path, summary.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

Status WriteLog(const std::string& path, const scenario::RunResult& result) {
  // spdlog writes the file; each line carries the virtual time and the peer, never wall time.
  try {
    auto sink = std::make_shared<spdlog::sinks::basic_file_sink_st>(path, /*truncate=*/true);
    spdlog::logger logger("log.txt", sink);
    logger.set_pattern("%v");
    logger.set_level(spdlog::level::trace);
    for (const LogLine& line : result.log) {
      const std::string peer =
          line.peer < result.peer_names.size() ? result.peer_names[line.peer] : "?";
      logger.info("{:>14} {:<14} {:<5} {}", FormatTime(line.time), peer,
                  std::string(LogLevelName(line.level)), line.message);
    }
    logger.flush();
  } catch (const spdlog::spdlog_ex& e) {
    return UnavailableError("cannot write " + path + ": " + e.what());
  }
  return Status::Ok();
}

// trace.bin, version 3: "TPTRACE3", then LEB128 varints: the record count, the kinds used (each
// as 8 little-endian bytes), the number of frames, then each frame as its size and a zstd frame
// of records as RecordLog codes them (record_log.h: time and sequence as zigzag deltas from the
// record before, the peer, the kind's index in the table, a, b, c); no record spans two frames.
// The log's compressed blocks are the frames: writing the file compresses at most the last
// block. Versions 1 (fixed width, 56 bytes a record) and 2 (the coded records, uncompressed)
// are still read.
Status WriteRecords(const std::string& path, const RecordLog& records) {
  std::string head = "TPTRACE3";
  AppendVarint(head, records.size());
  AppendVarint(head, records.kinds().size());
  for (std::uint64_t kind : records.kinds()) {
    for (int i = 0; i < 8; ++i) head += static_cast<char>((kind >> (8 * i)) & 0xff);
  }
  AppendVarint(head, records.block_count());
  FileWriter out(path);
  out.buffer() = std::move(head);
  records.ForEachFrame([&out](std::string_view frame) {
    AppendVarint(out.buffer(), frame.size());
    out.buffer().append(frame);
    out.MaybeFlush();
  });
  return out.Close();
}

namespace {

// Reads trace.bin's bytes in order; every read is bounds-checked (the file is untrusted).
class RecordReader {
 public:
  explicit RecordReader(const std::string& data) : data_(data) {}
  bool Fixed(std::uint64_t& v) {
    if (at_ + 8 > data_.size()) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) {
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(data_[at_ + i])) << (8 * i);
    }
    at_ += 8;
    return true;
  }
  bool Varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ >= data_.size()) return false;
      const auto byte = static_cast<unsigned char>(data_[at_++]);
      v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }
  std::size_t left() const { return data_.size() - at_; }
  void Skip(std::size_t n) { at_ += n; }
  // The next `n` bytes. REQUIRES: n <= left().
  const char* Take(std::size_t n) {
    const char* bytes = data_.data() + at_;
    at_ += n;
    return bytes;
  }

 private:
  const std::string& data_;
  std::size_t at_ = 0;
};

StatusOr<RecordLog> ReadVersion1(const std::string& path, RecordReader& in) {
  std::uint64_t count = 0;
  if (!in.Fixed(count) || count > in.left() / 56) return InvalidArgumentError(path + ": truncated");
  RecordLog records;
  for (std::uint64_t i = 0; i < count; ++i) {
    TraceRecord r{};
    std::uint64_t time = 0, peer = 0;
    in.Fixed(time);
    in.Fixed(r.seq);
    in.Fixed(peer);
    in.Fixed(r.kind);
    in.Fixed(r.a);
    in.Fixed(r.b);
    in.Fixed(r.c);
    r.time_ns = static_cast<std::int64_t>(time);
    r.peer = static_cast<PeerId>(peer);
    records.Append(r);
  }
  return records;
}

// The table of kinds that follows the record count in versions 2 and 3.
bool ReadKinds(RecordReader& in, std::vector<std::uint64_t>& kinds) {
  std::uint64_t kind_count = 0;
  // A kind takes 8 bytes: counts past what is left are corrupt, not allocated.
  if (!in.Varint(kind_count) || kind_count > in.left() / 8) return false;
  kinds.resize(kind_count);
  for (auto& kind : kinds) in.Fixed(kind);
  return true;
}

// Decodes coded records from `in` until it is exhausted or `limit` records are in `records`;
// `time` and `seq` carry the deltas' base across frames.
bool DecodeRecords(RecordReader& in, const std::vector<std::uint64_t>& kinds, std::uint64_t limit,
                   std::uint64_t& time, std::uint64_t& seq, RecordLog& records) {
  while (in.left() > 0 && records.size() < limit) {
    TraceRecord r{};
    std::uint64_t dt = 0, dseq = 0, peer = 0, kind = 0;
    if (!in.Varint(dt) || !in.Varint(dseq) || !in.Varint(peer) || !in.Varint(kind) ||
        !in.Varint(r.a) || !in.Varint(r.b) || !in.Varint(r.c) || kind >= kinds.size() ||
        peer > std::numeric_limits<PeerId>::max()) {
      return false;
    }
    time += static_cast<std::uint64_t>(UnZigZag(dt));
    seq += static_cast<std::uint64_t>(UnZigZag(dseq));
    r.time_ns = static_cast<std::int64_t>(time);
    r.seq = seq;
    r.peer = static_cast<PeerId>(peer);
    r.kind = kinds[kind];
    records.Append(r);
  }
  return true;
}

StatusOr<RecordLog> ReadVersion2(const std::string& path, RecordReader& in) {
  const Status truncated = InvalidArgumentError(path + ": truncated or corrupt");
  std::uint64_t count = 0;
  std::vector<std::uint64_t> kinds;
  // A record takes 7 bytes at least: counts past that are corrupt, not allocated.
  if (!in.Varint(count) || count > in.left() / 7 || !ReadKinds(in, kinds)) return truncated;
  RecordLog records;
  std::uint64_t time = 0, seq = 0;
  if (!DecodeRecords(in, kinds, count, time, seq, records) || records.size() != count) {
    return truncated;
  }
  return records;
}

StatusOr<RecordLog> ReadVersion3(const std::string& path, RecordReader& in) {
  const Status corrupt = InvalidArgumentError(path + ": truncated or corrupt");
  // The log's blocks are at most 1 MiB of coded records; a frame claiming more is corrupt.
  constexpr std::uint64_t kMaxFrameContent = std::uint64_t{1} << 20;
  constexpr std::uint64_t kMaxExpansion = 256;
  std::uint64_t count = 0, frames = 0;
  std::vector<std::uint64_t> kinds;
  if (!in.Varint(count) || !ReadKinds(in, kinds) || !in.Varint(frames) || frames > in.left()) {
    return corrupt;
  }
  // testplanet's records compress about 4-fold; frames that expand far more (a few bytes of
  // zstd can stand for a megabyte of zeros) are not a trace, and would be decoded into billions
  // of records.
  std::uint64_t plain_left = kMaxExpansion * in.left() + kMaxFrameContent;
  RecordLog records;
  std::uint64_t time = 0, seq = 0;
  std::string plain;
  for (std::uint64_t f = 0; f < frames; ++f) {
    std::uint64_t size = 0;
    if (!in.Varint(size) || size > in.left()) return corrupt;
    const char* frame = in.Take(size);
    // A frame written by another tool may not state its size: then it gets the most a block
    // holds, and one that needs more is corrupt.
    const unsigned long long content = ZSTD_getFrameContentSize(frame, size);
    if (content == ZSTD_CONTENTSIZE_ERROR ||
        (content != ZSTD_CONTENTSIZE_UNKNOWN && content > kMaxFrameContent)) {
      return corrupt;
    }
    plain.resize(content == ZSTD_CONTENTSIZE_UNKNOWN ? kMaxFrameContent : content);
    const std::size_t got = ZSTD_decompress(plain.data(), plain.size(), frame, size);
    if (ZSTD_isError(got) != 0 || got > plain_left) return corrupt;
    plain_left -= got;
    plain.resize(got);
    RecordReader block(plain);
    // Each frame ends on a record's end: a record cut short is corruption, as is a count
    // that the frames do not fill exactly.
    if (!DecodeRecords(block, kinds, count, time, seq, records) || block.left() != 0) {
      return corrupt;
    }
  }
  if (records.size() != count || in.left() != 0) return corrupt;
  return records;
}

}  // namespace

StatusOr<RecordLog> ReadRecords(const std::string& path) {
  // A trace.bin past 4 GiB (hundreds of millions of records) is more than replay would hold.
  auto read = scenario::ReadRegularFile(path, std::uintmax_t{4} << 30);
  if (!read.ok()) return read.status();
  RecordReader in(*read);
  if (read->compare(0, 8, "TPTRACE1") == 0) {
    in.Skip(8);
    return ReadVersion1(path, in);
  }
  if (read->compare(0, 8, "TPTRACE2") == 0) {
    in.Skip(8);
    return ReadVersion2(path, in);
  }
  if (read->compare(0, 8, "TPTRACE3") == 0) {
    in.Skip(8);
    return ReadVersion3(path, in);
  }
  return InvalidArgumentError(path + ": not a trace.bin file");
}

Status WriteTraceFiles(const std::string& directory, const RunFiles& run) {
  if (Status s = ClaimDirectory(directory); !s.ok()) return s;
  const bool chrome_trace = !run.lean;
  StatusGroup errors;
  errors.Add(WriteSummary(directory + "/summary.json", run));
  if (run.lean && run.result->passed()) return errors.Combined();
  // trace.json first: a stream given to the run has written it as the run went and only ends
  // it here; otherwise it is written from the records.
  if (chrome_trace) {
    errors.Add(run.chrome_trace != nullptr
                   ? run.chrome_trace->Finish(*run.result)
                   : WriteChromeTrace(directory + "/trace.json", *run.result));
  }
  {  // the model lives only while the files that draw it are written
    const RunModel model = BuildRunModel(*run.result);
    errors.Add(WriteTimelineSvg(directory + "/timeline.svg", *run.result, model));
    errors.Add(WriteFile(directory + "/report.html", ReportHtml(run, model)));
  }
  errors.Add(WriteLog(directory + "/log.txt", *run.result));
  errors.Add(WriteRecords(directory + "/trace.bin", run.result->records));
  return errors.Combined();
}

Status WriteRunDirectory(const std::string& directory, const RunFiles& run) {
  if (Status s = WriteTraceFiles(directory, run); !s.ok()) return s;
  StatusGroup errors;
  if (run.lean && run.result->passed()) {
    errors.Add(WriteManifest(directory + "/manifest.json", run));
    return errors.Combined();
  }
  errors.Add(WriteFile(directory + "/scenario.textproto", "# Resolved from " + run.scenario->path +
                                                              " (defaults filled in).\n" +
                                                              ResolvedText(*run.scenario)));
  errors.Add(WriteManifest(directory + "/manifest.json", run));
  errors.Add(WriteJunit(directory + "/junit.xml", {run}));
  if (!run.result->inspect.empty()) {
    errors.Add(WriteFile(directory + "/inspect.txt", run.result->inspect));
  }
  return errors.Combined();
}

}  // namespace testplanet::report
