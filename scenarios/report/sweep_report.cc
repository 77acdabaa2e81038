#include "scenarios/report/sweep_report.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "scenarios/language/read_file.h"
#include "scenarios/report/html/assets.h"
#include "scenarios/report/junit.h"
#include "scenarios/report/markup.h"
#include "sim/hash.h"
#include "sim/trace.h"

namespace testplanet::report {
namespace {

using nlohmann::json;

// A sweep report of 100,000 seeds is about 60 MB; a GiB is refused rather than read.
constexpr std::uintmax_t kMaxReportBytes = std::uintmax_t{1} << 30;

// The length of the hex word (a digest, 8 hex digits or more, one a digit) at text[i], or 0.
std::size_t HexWord(const std::string& text, std::size_t i) {
  auto alnum = [&text](std::size_t k) {
    return k < text.size() && std::isalnum(static_cast<unsigned char>(text[k]));
  };
  if (i > 0 && alnum(i - 1)) return 0;
  std::size_t end = i;
  bool digits = false;
  while (end < text.size() && std::isxdigit(static_cast<unsigned char>(text[end])) &&
         !std::isupper(static_cast<unsigned char>(text[end]))) {
    digits |= std::isdigit(static_cast<unsigned char>(text[end])) != 0;
    ++end;
  }
  return end - i >= 8 && digits && !alnum(end) ? end - i : 0;
}

// Every number, digest and duration written as one ("2m4s", "1h0m9.5s", "350ms") as one '#'.
std::string WithoutNumbers(const std::string& text) {
  auto digit = [&text](std::size_t i) {
    return i < text.size() && text[i] >= '0' && text[i] <= '9';
  };
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t hex = HexWord(text, i); hex > 0) {
      out += '#';
      i += hex;
      continue;
    }
    if (!digit(i)) {
      out += text[i++];
      continue;
    }
    while (digit(i)) {
      while (digit(i) || (i < text.size() && text[i] == '.')) ++i;
      for (std::string_view unit : {"ns", "us", "ms", "h", "m", "s", "d"}) {
        if (text.compare(i, unit.size(), unit) == 0) {
          i += unit.size();
          break;
        }
      }
    }
    out += '#';
  }
  return out;
}

std::string Seconds(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f s", seconds);
  return buffer;
}

std::string SeedList(const std::vector<std::uint64_t>& seeds, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < seeds.size() && i < limit; ++i) {
    out += (i ? ", " : "") + std::to_string(seeds[i]);
  }
  if (seeds.size() > limit) out += ", … (" + std::to_string(seeds.size() - limit) + " more)";
  return out;
}

// One row's fields, checked; `where` is "FILE:LINE" for errors.
StatusOr<SweepRow> RowFrom(const json& line, const std::string& where) {
  auto fail = [&where](const std::string& field, const std::string& what) {
    return InvalidArgumentError(where + ": " + field + ": " + what);
  };
  if (!line.is_object()) return InvalidArgumentError(where + ": expected a JSON object");
  if (!line.contains("testplanet_sweep") || line["testplanet_sweep"] != 1) {
    return fail("testplanet_sweep", "missing, or not version 1: not a testplanet sweep report");
  }
  SweepRow row;
  auto text = [&](const char* field, std::string& out, bool required) -> Status {
    auto it = line.find(field);
    if (it == line.end() || it->is_null()) {
      return required ? fail(field, "missing; it is required") : Status::Ok();
    }
    if (!it->is_string()) return fail(field, "expected a string");
    out = it->get<std::string>();
    return Status::Ok();
  };
  for (auto [field, out, required] :
       {std::tuple<const char*, std::string*, bool>{"scenario", &row.scenario, true},
        {"file", &row.file, false},
        {"out", &row.out, false},
        {"reproduce", &row.reproduce, true},
        {"swarm", &row.swarm, false},
        {"digest", &row.digest, false}}) {
    if (Status s = text(field, *out, required); !s.ok()) return s;
  }
  auto seed = line.find("seed");
  if (seed == line.end() || !seed->is_number_unsigned()) {
    return fail("seed", "expected an unsigned integer");
  }
  row.seed = seed->get<std::uint64_t>();
  auto exit = line.find("exit");
  if (exit == line.end() || !exit->is_number_integer() || *exit < 0 || *exit > 255) {
    return fail("exit", "expected an exit code, 0 to 255");
  }
  row.exit = exit->get<int>();
  row.passed = row.exit == 0;
  if (auto events = line.find("events"); events != line.end() && events->is_number_unsigned()) {
    row.events = events->get<std::uint64_t>();
  }
  if (auto wall = line.find("wall_seconds"); wall != line.end() && wall->is_number()) {
    row.wall_seconds = wall->get<double>();
  }
  if (auto failure = line.find("failure"); failure != line.end() && !failure->is_null()) {
    // find, never operator[]: a const object's operator[] on a missing key is undefined.
    auto text_of = [&failure](const char* key) -> const json* {
      if (!failure->is_object()) return nullptr;
      auto it = failure->find(key);
      return it != failure->end() && it->is_string() ? &*it : nullptr;
    };
    const json* kind = text_of("kind");
    const json* message = text_of("message");
    const json* signature = text_of("signature");
    if (kind == nullptr || message == nullptr || signature == nullptr) {
      return fail("failure", "expected {kind, message, signature}, all strings");
    }
    row.failure = RunFailure{kind->get<std::string>(), message->get<std::string>(),
                             signature->get<std::string>()};
  }
  if (!row.passed && !row.failure)
    row.failure = MakeFailure("error", "exit " + std::to_string(row.exit));
  return row;
}

JunitCase GroupCase(const FailureGroup& group, const std::string& classname) {
  JunitCase c;
  c.classname = classname;
  c.name = group.failure.kind + " " + group.failure.signature + ": " + group.failure.message;
  if (c.name.size() > 200) c.name = c.name.substr(0, 197) + "...";
  c.failure = JunitFailure{
      group.failure.kind,
      std::to_string(group.seeds.size()) + " seed(s) failed: " + group.failure.message,
      "signature " + group.failure.signature + "\nseeds: " + SeedList(group.seeds, 50) +
          "\nfirst seed " + std::to_string(group.seeds.front()) +
          "\nreproduce: " + group.reproduce + (group.out.empty() ? "" : "\nrun: " + group.out)};
  return c;
}

}  // namespace

std::string ErrorKind(const Status& status) {
  return status.message().find("invariant violated") != std::string::npos ? "invariant" : "error";
}

RunFailure MakeFailure(std::string kind, std::string message) {
  const std::string key = kind + ": " + WithoutNumbers(message);
  return {std::move(kind), std::move(message), Trace::FormatDigest(StableHash(key))};
}

std::optional<RunFailure> FailureOf(const scenario::RunResult& result) {
  for (const auto& c : result.checks) {
    if (c.passed) continue;
    RunFailure failure =
        MakeFailure("check", "check \"" + c.name + "\" (" + c.where + "): expected " + c.expected);
    failure.message += ", found " + c.found + " at " + FormatTime(c.at);
    return failure;
  }
  if (result.status.ok()) return std::nullopt;
  return MakeFailure(ErrorKind(result.status), result.status.ToString());
}

std::string SweepRowJson(const SweepRow& row) {
  nlohmann::ordered_json line = {{"testplanet_sweep", 1}, {"scenario", row.scenario},
                                 {"file", row.file},      {"seed", row.seed},
                                 {"exit", row.exit},      {"passed", row.passed}};
  if (!row.out.empty()) line["out"] = row.out;
  line["reproduce"] = row.reproduce;
  if (!row.swarm.empty()) line["swarm"] = row.swarm;
  if (!row.digest.empty()) {
    line["digest"] = row.digest;
    line["events"] = row.events;
  }
  line["wall_seconds"] = row.wall_seconds;
  if (row.failure) {
    line["failure"] = {{"kind", row.failure->kind},
                       {"message", row.failure->message},
                       {"signature", row.failure->signature}};
  }
  return line.dump(-1, ' ', false, json::error_handler_t::replace);
}

StatusOr<std::vector<SweepRow>> ReadSweepRows(const std::vector<std::string>& paths) {
  std::map<std::uint64_t, SweepRow> by_seed;
  for (const std::string& path : paths) {
    auto text = scenario::ReadRegularFile(path, kMaxReportBytes);
    if (!text.ok()) return text.status();
    std::size_t start = 0, number = 0;
    while (start < text->size()) {
      std::size_t end = text->find('\n', start);
      if (end == std::string::npos) end = text->size();
      const std::string content = text->substr(start, end - start);
      start = end + 1;
      ++number;
      if (content.find_first_not_of(" \t\r") == std::string::npos) continue;
      const std::string where = path + ":" + std::to_string(number);
      json line = json::parse(content, nullptr, /*allow_exceptions=*/false);
      if (line.is_discarded()) return InvalidArgumentError(where + ": is not valid JSON");
      auto row = RowFrom(line, where);
      if (!row.ok()) return row.status();
      const std::uint64_t seed = row->seed;
      if (by_seed.count(seed) != 0) {
        return InvalidArgumentError(where + ": seed " + std::to_string(seed) +
                                    " is in the reports twice (shards that overlap?)");
      }
      by_seed.emplace(seed, *std::move(row));
    }
  }
  std::vector<SweepRow> rows;
  rows.reserve(by_seed.size());
  for (auto& [seed, row] : by_seed) rows.push_back(std::move(row));
  return rows;
}

std::vector<FailureGroup> GroupFailures(const std::vector<SweepRow>& rows) {
  std::map<std::string, FailureGroup> by_signature;
  for (const SweepRow& row : rows) {
    if (row.passed || !row.failure) continue;
    auto [it, added] = by_signature.try_emplace(row.failure->signature);
    if (added) {
      it->second.failure = *row.failure;
      it->second.reproduce = row.reproduce;
      it->second.out = row.out;
    }
    it->second.seeds.push_back(row.seed);
  }
  std::vector<FailureGroup> groups;
  for (auto& [signature, group] : by_signature) {
    std::sort(group.seeds.begin(), group.seeds.end());
    groups.push_back(std::move(group));
  }
  std::sort(groups.begin(), groups.end(), [](const FailureGroup& a, const FailureGroup& b) {
    if (a.seeds.size() != b.seeds.size()) return a.seeds.size() > b.seeds.size();
    return a.seeds.front() < b.seeds.front();
  });
  return groups;
}

std::string SweepJunitXml(const std::vector<SweepRow>& rows, const SweepFacts& facts) {
  const std::string classname = rows.empty() ? "sweep" : rows.front().scenario;
  std::size_t failed = 0;
  for (const SweepRow& row : rows) failed += row.passed ? 0 : 1;
  JunitSuite suite{facts.title, facts.wall_seconds, {}, {}};
  suite.properties = {{"seeds", std::to_string(rows.size())}, {"failed", std::to_string(failed)}};
  if (!facts.stopped.empty()) suite.properties.push_back({"stopped", facts.stopped});
  JunitCase whole{
      classname,   "sweep: " + std::to_string(rows.size()) + " seeds", "", 0, facts.wall_seconds,
      std::nullopt};
  if (!rows.empty()) whole.file = rows.front().file;
  const auto groups = GroupFailures(rows);
  if (failed > 0) {
    whole.failure =
        JunitFailure{"sweep",
                     std::to_string(failed) + " of " + std::to_string(rows.size()) +
                         " seeds failed, " + std::to_string(groups.size()) + " signature(s)",
                     SweepMarkdown(rows, facts)};
  }
  suite.cases.push_back(std::move(whole));
  for (const FailureGroup& group : groups) suite.cases.push_back(GroupCase(group, classname));
  return JunitXml({suite});
}

std::string SweepMarkdown(const std::vector<SweepRow>& rows, const SweepFacts& facts) {
  std::size_t failed = 0;
  for (const SweepRow& row : rows) failed += row.passed ? 0 : 1;
  const auto groups = GroupFailures(rows);
  std::string md = "### testplanet " + facts.title + ": " + (failed ? "FAILED" : "passed") +
                   "\n\n" + std::to_string(rows.size() - failed) + " passed, " +
                   std::to_string(failed) + " failed, in " + Seconds(facts.wall_seconds) +
                   (facts.stopped.empty() ? "" : " (" + facts.stopped + ")") + "\n";
  if (groups.empty()) return md;
  md += "\n| seeds | kind | failure | reproduce (first seed) |\n|---|---|---|---|\n";
  auto cell = [](std::string text) {
    for (std::size_t at = 0; (at = text.find('|', at)) != std::string::npos; at += 2) {
      text.replace(at, 1, "\\|");
    }
    for (char& c : text) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    return text;
  };
  for (const FailureGroup& group : groups) {
    md += "| " + std::to_string(group.seeds.size()) + " (" + cell(SeedList(group.seeds, 5)) +
          ") | " + group.failure.kind + " | " + cell(group.failure.message) + " | `" +
          cell(group.reproduce) + "` |\n";
  }
  return md;
}

std::string SweepIndexHtml(const std::vector<SweepRow>& rows, const SweepFacts& facts,
                           const std::string& base) {
  std::size_t failed = 0;
  for (const SweepRow& row : rows) failed += row.passed ? 0 : 1;
  auto link = [&base](const std::string& out) {
    if (out.empty()) return std::string();
    std::error_code error;
    const auto relative = std::filesystem::proximate(out, base, error);
    const std::string target = (error ? out : relative.string()) + "/report.html";
    return "<a href=\"" + EscapeMarkup(target) + "\">report</a>";
  };
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                     EscapeMarkup("testplanet " + facts.title) + "</title><style>" +
                     html::kReportCss + "</style></head><body><div id=\"main\">\n";
  html += "<h1>" + EscapeMarkup(facts.title) + " <span class=\"" +
          (failed ? "fail\">FAILED" : "pass\">passed") + "</span></h1>\n";
  html += "<p id=\"totals\">" + std::to_string(rows.size()) +
          " seeds: " + std::to_string(rows.size() - failed) + " passed, " + std::to_string(failed) +
          " failed, in " + Seconds(facts.wall_seconds) +
          EscapeMarkup(facts.stopped.empty() ? "" : " (" + facts.stopped + ")") + "</p>\n";
  html +=
      "<h2>Failures by signature</h2><table id=\"signatures\"><tr><th>seeds</th><th>kind"
      "</th><th>failure</th><th>first seed</th><th>reproduce</th></tr>\n";
  for (const FailureGroup& group : GroupFailures(rows)) {
    html += "<tr class=\"bad\"><td>" + std::to_string(group.seeds.size()) + "<br><small>" +
            EscapeMarkup(SeedList(group.seeds, 10)) + "</small></td><td>" +
            EscapeMarkup(group.failure.kind) + "</td><td>" + EscapeMarkup(group.failure.message) +
            "<br><small>signature " + group.failure.signature + "</small></td><td>" +
            std::to_string(group.seeds.front()) + " " + link(group.out) + "</td><td><code>" +
            EscapeMarkup(group.reproduce) + "</code></td></tr>\n";
  }
  html +=
      "</table>\n<h2>Seeds</h2><table id=\"seeds\"><tr><th>seed</th><th>outcome</th><th>"
      "digest</th><th>events</th><th>run</th></tr>\n";
  for (const SweepRow& row : rows) {
    html += std::string("<tr class=\"") + (row.passed ? "ok" : "bad") + "\"><td>" +
            std::to_string(row.seed) + "</td><td>" +
            (row.passed ? "pass" : EscapeMarkup(row.failure ? row.failure->kind : "fail")) +
            "</td><td>" + EscapeMarkup(row.digest) + "</td><td>" + std::to_string(row.events) +
            "</td><td>" + link(row.out) + "</td></tr>\n";
  }
  html += "</table>\n</div></body></html>\n";
  return html;
}

Status WriteSweepReports(const std::string& directory, const std::vector<SweepRow>& rows,
                         const SweepFacts& facts) {
  StatusGroup errors;
  auto write = [&errors](const std::string& path, const std::string& text, bool append) {
    std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
    out << text;
    out.close();
    if (!out) errors.Add(UnavailableError("cannot write " + path));
  };
  write(directory + "/junit.xml", SweepJunitXml(rows, facts), false);
  write(directory + "/index.html", SweepIndexHtml(rows, facts, directory), false);
  if (!facts.step_summary.empty())
    write(facts.step_summary, SweepMarkdown(rows, facts) + "\n", true);
  return errors.Combined();
}

}  // namespace testplanet::report
