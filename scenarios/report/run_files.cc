// manifest.json, summary.json, scenario.textproto, log.txt, trace.bin, and the run directory.
#include <google/protobuf/text_format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "scenarios/language/read_file.h"
#include "scenarios/planet/owned_directory.h"
#include "scenarios/report/reports.h"
#include "scenarios/report/sweep_report.h"
#include "sim/hash.h"

#ifndef TESTPLANET_BUILD_ID
#define TESTPLANET_BUILD_ID "unknown"
#endif

namespace testplanet::report {
namespace {

using nlohmann::json;

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return UnavailableError("cannot write " + path);
  return Status::Ok();
}

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

std::string ResolvedText(const scenario::Plan& scenario) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(scenario.spec, &text);
  return text;
}

std::string ScenarioHash(const scenario::Plan& scenario) {
  return Trace::FormatDigest(StableHash(ResolvedText(scenario)));
}

std::optional<std::size_t> FirstDifference(const std::vector<TraceRecord>& a,
                                           const std::vector<TraceRecord>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const TraceRecord& x = a[i];
    const TraceRecord& y = b[i];
    if (x.time_ns != y.time_ns || x.seq != y.seq || x.peer != y.peer || x.kind != y.kind ||
        x.a != y.a || x.b != y.b || x.c != y.c) {
      return i;
    }
  }
  if (a.size() != b.size()) return n;
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
  return WriteText(path, manifest.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
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
    checks.push_back({{"name", c.name},
                      {"where", c.where},
                      {"at", FormatTime(c.at)},
                      {"passed", c.passed},
                      {"expected", c.expected},
                      {"found", c.found}});
  }
  json summary = {
      {"scenario", r.scenario},
      {"seed", r.seed},
      {"digest", Trace::FormatDigest(r.digest)},
      {"passed", r.passed()},
      {"error", r.status.ok() ? "" : r.status.ToString()},
      {"events", r.events},
      {"records", r.record_count},
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
  return WriteText(path, summary.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
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

Status WriteRecords(const std::string& path, const std::vector<TraceRecord>& records) {
  std::string out = "TPTRACE1";
  auto put = [&out](std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  put(records.size());
  for (const TraceRecord& r : records) {
    put(static_cast<std::uint64_t>(r.time_ns));
    put(r.seq);
    put(r.peer);
    put(r.kind);
    put(r.a);
    put(r.b);
    put(r.c);
  }
  return WriteText(path, out);
}

StatusOr<std::vector<TraceRecord>> ReadRecords(const std::string& path) {
  // A trace.bin past 4 GiB (77 million records) is more than replay would hold in memory.
  auto read = scenario::ReadRegularFile(path, std::uintmax_t{4} << 30);
  if (!read.ok()) return read.status();
  const std::string& data = *read;
  std::size_t at = 0;
  auto get = [&](std::uint64_t& v) {
    if (at + 8 > data.size()) return false;
    v = 0;
    for (int i = 0; i < 8; ++i)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(data[at + i])) << (8 * i);
    at += 8;
    return true;
  };
  if (data.compare(0, 8, "TPTRACE1") != 0)
    return InvalidArgumentError(path + ": not a trace.bin file");
  at = 8;
  std::uint64_t count = 0;
  if (!get(count) || count > (data.size() - at) / 56) {
    return InvalidArgumentError(path + ": truncated");
  }
  std::vector<TraceRecord> records(count);
  for (auto& r : records) {
    std::uint64_t time = 0, peer = 0;
    get(time);
    get(r.seq);
    get(peer);
    get(r.kind);
    get(r.a);
    get(r.b);
    get(r.c);
    r.time_ns = static_cast<std::int64_t>(time);
    r.peer = static_cast<PeerId>(peer);
  }
  return records;
}

Status WriteTraceFiles(const std::string& directory, const RunFiles& run) {
  if (Status s = ClaimDirectory(directory); !s.ok()) return s;
  StatusGroup errors;
  errors.Add(WriteSummary(directory + "/summary.json", run));
  errors.Add(WriteChromeTrace(directory + "/trace.json", *run.result));
  errors.Add(WriteTimelineSvg(directory + "/timeline.svg", *run.result));
  errors.Add(WriteReportHtml(directory + "/report.html", run));
  errors.Add(WriteLog(directory + "/log.txt", *run.result));
  errors.Add(WriteRecords(directory + "/trace.bin", run.result->records));
  return errors.Combined();
}

Status WriteRunDirectory(const std::string& directory, const RunFiles& run) {
  if (Status s = WriteTraceFiles(directory, run); !s.ok()) return s;
  StatusGroup errors;
  errors.Add(WriteText(directory + "/scenario.textproto", "# Resolved from " + run.scenario->path +
                                                              " (defaults filled in).\n" +
                                                              ResolvedText(*run.scenario)));
  errors.Add(WriteManifest(directory + "/manifest.json", run));
  errors.Add(WriteJunit(directory + "/junit.xml", {run}));
  if (!run.result->inspect.empty()) {
    errors.Add(WriteText(directory + "/inspect.txt", run.result->inspect));
  }
  return errors.Combined();
}

}  // namespace testplanet::report
