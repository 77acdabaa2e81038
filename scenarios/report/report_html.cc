// report.html: one self-contained page per run (run_model.h draws from the trace; the script
// and style are inline, html/). What a person opens first: the outcome and the reproduce
// command, every check with expected and found, faults by kind, the chore timeline with zoom,
// pan and a tooltip per run, the unsent-orders curve, and a table per chore.
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "scenarios/report/check_json.h"
#include "scenarios/report/html/assets.h"
#include "scenarios/report/markup.h"
#include "scenarios/report/reports.h"
#include "scenarios/report/run_model.h"

namespace testplanet::report {
namespace {

using nlohmann::json;

// Strings the data repeats (chore names, statuses), each once: spans refer to them by index.
class NameTable {
 public:
  int Of(const std::string& name) {
    auto [it, added] = index_.emplace(name, static_cast<int>(names_.size()));
    if (added) names_.push_back(name);
    return it->second;
  }
  const json& names() const { return names_; }

 private:
  std::map<std::string, int> index_;
  json names_ = json::array();
};

// At most `limit` points a series: the highest in each slice of time, so peaks survive.
json Series(const std::vector<BacklogPoint>& series, std::int64_t end, std::size_t limit) {
  json out = json::array();
  if (series.size() <= limit) {
    for (const auto& p : series) out.push_back({p.time_ns, p.unsent});
    return out;
  }
  const std::int64_t slice = std::max<std::int64_t>(1, end / static_cast<std::int64_t>(limit));
  std::int64_t current = -1, highest = 0;
  for (const auto& p : series) {
    const std::int64_t bucket = p.time_ns / slice;
    if (bucket != current && current >= 0) out.push_back({current * slice, highest});
    if (bucket != current) highest = 0;
    current = bucket;
    highest = std::max(highest, p.unsent);
  }
  out.push_back({current * slice, highest});
  return out;
}

// The page stays small enough for a browser: at most HtmlLimits::spans spans, and rows for at
// most kMaxRows lanes (kMaxLanes a peer; later lanes draw in the last). The script reads the
// limits from the data.
constexpr int kMaxRows = 1500;
constexpr int kMaxLanes = 8;
// Slices of the run in which ChoreDensities counts runs, for the whole planet's rows.
constexpr int kDensitySlices = 1000;

// What the page carries. Past HtmlLimits::spans, whole peers in row order: each drawn peer with
// every chore run it began, so that a row is never cut off in time (a peer with more runs than
// the page holds is skipped); then the RPCs of drawn peers, a peer's all or none, while there is
// room. What is left out is counted, and the page then also draws every peer's runs as densities
// (ChoreDensities).
struct Selection {
  std::vector<PeerId> rows;        // the peers drawn one by one, in row order
  std::vector<bool> chores;        // by peer: its chore runs are on the page
  std::vector<bool> rpcs;          // by peer: its served RPCs are on the page
  std::size_t peers_left_out = 0;  // peers in row order not drawn
  std::uint64_t runs_left_out = 0;
  std::uint64_t rpcs_left_out = 0;
  bool partial() const { return peers_left_out + runs_left_out + rpcs_left_out > 0; }
};

Selection SelectSpans(const RunModel& model, std::size_t max_spans) {
  Selection out;
  std::size_t peers = model.peer_names.size();
  for (const Span& s : model.spans) peers = std::max<std::size_t>(peers, s.peer + std::size_t{1});
  std::vector<std::uint64_t> runs(peers, 0), rpcs(peers, 0);
  for (const Span& s : model.spans) ++(s.kind == Span::Kind::kChore ? runs : rpcs)[s.peer];
  out.chores.assign(peers, false);
  out.rpcs.assign(peers, false);
  std::uint64_t room = max_spans;
  int rows = 0;
  const std::vector<PeerId> order = model.RowOrder();
  for (PeerId peer : order) {
    // A peer with more runs than the page holds is left out whole, not the peers after it.
    if (runs[peer] > max_spans) continue;
    const int lanes = std::min(peer < model.lanes.size() ? model.lanes[peer] : 1, kMaxLanes);
    if (runs[peer] > room || rows + lanes > kMaxRows) break;
    room -= runs[peer];
    rows += lanes;
    out.chores[peer] = true;
    out.rows.push_back(peer);
  }
  for (PeerId peer : out.rows) {
    if (rpcs[peer] > room) continue;
    room -= rpcs[peer];
    out.rpcs[peer] = true;
  }
  out.peers_left_out = order.size() - out.rows.size();
  for (std::size_t peer = 0; peer < peers; ++peer) {
    if (!out.chores[peer]) out.runs_left_out += runs[peer];
    if (!out.rpcs[peer]) out.rpcs_left_out += rpcs[peer];
  }
  return out;
}

// The spans as JSON text, [[peer,lane,name,begin,duration,why,status,rpc],...], written directly:
// a DOM of 200,000 small arrays took about 35 MB more for the reference week's report.
std::string SpansJson(const RunModel& model, const Selection& selection, NameTable& names) {
  std::string spans = "[";
  bool first = true;
  for (const Span& s : model.spans) {
    const bool chore = s.kind == Span::Kind::kChore;
    if (!(chore ? selection.chores : selection.rpcs)[s.peer]) continue;
    const std::int64_t fields[] = {s.peer,
                                   s.lane,
                                   names.Of(model.Text(s.name)),
                                   s.begin_ns,
                                   s.end_ns - s.begin_ns,
                                   names.Of(model.Text(s.why)),
                                   names.Of(s.finished ? model.Text(s.status) : "unfinished"),
                                   chore ? 0 : 1};
    spans += first ? "[" : ",[";
    first = false;
    for (std::size_t i = 0; i < std::size(fields); ++i) {
      if (i > 0) spans += ',';
      spans += std::to_string(fields[i]);
    }
    spans += ']';
  }
  return spans + "]";
}

json ChoreRow(const scenario::ChoreRuns& c) {
  auto when = [](const std::optional<TimePoint>& t) { return t ? FormatTime(*t) : "—"; };
  return {{"peer", c.peer},
          {"chore", c.chore},
          {"interval", c.interval ? FormatDuration(*c.interval) : "— (down)"},
          {"runs", c.runs},
          {"ticks_dropped", c.ticks_dropped},
          {"last_run", when(c.last_run)},
          {"next_tick", when(c.next_tick)}};
}

// Totals of each kind of peer and chore: "storagenode* (25000)", runs in all and the fewest and
// most of one peer.
json ChoreTotals(const std::vector<scenario::ChoreRuns>& chores) {
  struct Total {
    std::size_t peers = 0;
    std::uint64_t runs = 0, fewest = UINT64_MAX, most = 0, ticks_dropped = 0;
  };
  std::map<std::pair<std::string, std::string>, Total> totals;
  for (const auto& c : chores) {
    Total& t = totals[{std::string(PeerKind(c.peer)), c.chore}];
    ++t.peers;
    t.runs += c.runs;
    t.fewest = std::min(t.fewest, c.runs);
    t.most = std::max(t.most, c.runs);
    t.ticks_dropped += c.ticks_dropped;
  }
  json rows = json::array();
  for (const auto& [key, t] : totals) {
    rows.push_back({{"peer", key.first + "* (" + std::to_string(t.peers) + ")"},
                    {"chore", key.second},
                    {"interval", "—"},
                    {"runs", std::to_string(t.runs) + " (" + std::to_string(t.fewest) + "–" +
                                 std::to_string(t.most) + " a peer)"},
                    {"ticks_dropped", t.ticks_dropped},
                    {"last_run", "—"},
                    {"next_tick", "—"},
                    {"total", true}});
  }
  return rows;
}

// A row per peer and chore up to `max_rows`; past it, a row per kind of peer and chore with its
// totals, then the rows of the peers drawn one by one while there is room (summary.json has every
// row).
json ChoreRows(const scenario::RunResult& r, const RunModel& model, const Selection& selection,
               std::size_t max_rows, std::size_t& left_out) {
  json rows = json::array();
  left_out = 0;
  if (r.chores.size() <= max_rows) {
    for (const auto& c : r.chores) rows.push_back(ChoreRow(c));
    return rows;
  }
  rows = ChoreTotals(r.chores);
  std::set<std::string_view> drawn;
  for (PeerId peer : selection.rows) drawn.insert(model.PeerName(peer));
  for (const auto& c : r.chores) {
    if (rows.size() < max_rows && drawn.count(c.peer) != 0) {
      rows.push_back(ChoreRow(c));
    } else {
      ++left_out;
    }
  }
  return rows;
}

// The time the densities' slices cover: the run, or a second for a run that took less (the
// script's time axis, which it reads from the data).
std::int64_t DensitySpan(const RunModel& model) {
  return std::max<std::int64_t>(model.end_ns, 1'000'000'000);
}

// Every peer's chore runs, per kind of peer, when the page cannot draw them one by one.
json Densities(const RunModel& model, const Selection& selection, NameTable& names) {
  json out = json::array();
  if (!selection.partial()) return out;
  for (const ChoreDensity& d : ChoreDensities(model, kDensitySlices, DensitySpan(model))) {
    out.push_back({{"kind", d.kind},
                   {"chore", names.Of(d.chore)},
                   {"peers", d.peers},
                   {"runs", d.runs},
                   {"failed", d.failed},
                   {"started", d.started},
                   {"failures", d.failures}});
  }
  return out;
}

// The page's data, but for its spans (SpansJson, spliced in by ReportHtml at "spans":[]).
json Data(const RunFiles& run, const RunModel& model, const Selection& selection,
          const HtmlLimits& limits, NameTable& names) {
  const scenario::RunResult& r = *run.result;
  json faults = json::array();
  for (const Mark& f : model.faults) {
    faults.push_back({f.time_ns, f.peer, names.Of(f.what), f.network ? 1 : 0});
  }
  json checks = json::array();
  for (const auto& c : r.checks) {
    checks.push_back(CheckJson(c));
  }
  std::size_t chore_rows_left_out = 0;
  json chores = ChoreRows(r, model, selection, limits.chore_rows, chore_rows_left_out);
  json backlog = json::object();
  for (const auto& [peer, series] : model.backlog) {
    backlog[std::to_string(peer)] = Series(series, model.end_ns, 1500);
  }
  return {{"end_ns", model.end_ns},
          {"axis_ns", DensitySpan(model)},
          {"peers", model.peer_names},
          {"lanes", model.lanes},
          {"row_order", selection.rows},
          {"max_rows", kMaxRows},
          {"max_lanes", kMaxLanes},
          {"max_spans", limits.spans},
          {"spans", json::array()},
          {"densities", Densities(model, selection, names)},
          {"faults", faults},
          {"checks", checks},
          {"chores", std::move(chores)},
          {"chore_rows_left_out", chore_rows_left_out},
          {"backlog", backlog},
          {"orders_recorded", model.orders_recorded},
          {"total_backlog", Series(model.total_backlog, model.end_ns, 3000)},
          {"names", names.names()},
          {"peers_left_out", selection.peers_left_out},
          {"runs_left_out", selection.runs_left_out},
          {"rpcs_left_out", selection.rpcs_left_out}};
}

// JSON inside <script>: no "</script>" may appear, so every '<' goes as \u003c.
std::string ScriptSafe(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Summary(const RunFiles& run) {
  const scenario::RunResult& r = *run.result;
  const bool passed = r.passed();
  std::string html = "<h1>" + EscapeMarkup(r.scenario) + " <span class=\"" +
                     (passed ? "pass\">PASS" : "fail\">FAIL") + "</span></h1>\n<dl>";
  auto item = [&html](const std::string& name, const std::string& value) {
    html += "<dt>" + EscapeMarkup(name) + "</dt><dd>" + EscapeMarkup(value) + "</dd>";
  };
  if (run.scenario != nullptr) item("file", run.scenario->path);
  item("seed", std::to_string(r.seed));
  item("digest", Trace::FormatDigest(r.digest));
  item("virtual time", FormatDuration(r.end.time_since_epoch()));
  char wall[32];
  std::snprintf(wall, sizeof(wall), "%.2f s", run.wall_seconds);
  item("wall time", wall);
  item("events", std::to_string(r.events));
  if (!r.planted_bug.empty()) item("planted bug", r.planted_bug);
  html += "</dl>\n";
  if (!r.status.ok()) html += "<pre class=\"fail\">" + EscapeMarkup(r.status.ToString()) + "</pre>";
  html += "<p>Reproduce:</p><pre id=\"reproduce\">" + EscapeMarkup(run.reproduce) + "</pre>\n";
  return html;
}

}  // namespace

std::string ReportHtml(const RunFiles& run) { return ReportHtml(run, BuildRunModel(*run.result)); }

std::string ReportHtml(const RunFiles& run, const RunModel& model) {
  return ReportHtml(run, model, HtmlLimits{});
}

std::string ReportHtml(const RunFiles& run, const RunModel& model, const HtmlLimits& limits) {
  const scenario::RunResult& r = *run.result;
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                     EscapeMarkup(r.scenario + " seed " + std::to_string(r.seed) +
                                  (r.passed() ? " PASS" : " FAIL")) +
                     "</title>\n<style>" + html::kReportCss +
                     "</style></head>\n<body><div id=\"main\">\n";
  html += Summary(run);
  html += "<h2>Checks</h2><table id=\"checks\"></table>\n";
  html += "<h2>Faults</h2><table id=\"faults\"></table>\n";
  html +=
      "<h2>Chore timeline</h2><p class=\"hint\">Wheel to zoom, drag to pan, double-click "
      "to reset; hover a run for its details. Grey: RPCs the peer served; red: faults.</p>"
      "<p class=\"hint\" id=\"timeline-notes\"></p><canvas id=\"timeline\"></canvas>"
      "<div id=\"legend\"></div>\n";
  html +=
      "<h2>Unsent orders</h2><p class=\"hint\">Stored minus archived, from the trace. "
      "<select id=\"backlog-node\"><option value=\"total\">all nodes (total; each node "
      "faint)</option></select></p><canvas id=\"backlog\" height=\"180\"></canvas>\n";
  html += "<h2>Chores</h2><table id=\"chores\"></table>\n";
  html += "</div><div id=\"tip\"></div>\n<script type=\"application/json\" id=\"run-data\">";
  NameTable names;
  const Selection selection = SelectSpans(model, limits.spans);
  const std::string spans = SpansJson(model, selection, names);
  const std::string data = ScriptSafe(Data(run, model, selection, limits, names)
                                          .dump(-1, ' ', false, json::error_handler_t::replace));
  // Keys are in order and a quote inside a string is escaped: this text occurs once, as the key.
  constexpr std::string_view kKey = "\"spans\":";
  const std::size_t at = data.find("\"spans\":[]");
  if (at == std::string::npos) {
    html += data;  // cannot happen (Data always has the key); the page then shows no spans
  } else {
    html.append(data, 0, at + kKey.size());
    html += spans;
    html.append(data, at + kKey.size() + 2);
  }
  html += "</script>\n<script>";
  html += html::kReportJs;
  html += "</script>\n</body></html>\n";
  return html;
}

Status WriteReportHtml(const std::string& path, const RunFiles& run) {
  return WriteFile(path, ReportHtml(run));
}

}  // namespace testplanet::report
