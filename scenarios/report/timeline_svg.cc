// timeline.svg: one row per (peer, chore), virtual time across; a bar wherever a run was in
// progress (runs closer than a pixel merge), a dot per run start, a red line per fault, and a
// mark per failed check. Plain SVG: any browser shows it.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "scenarios/report/reports.h"

namespace testplanet::report {
namespace {

constexpr int kWidth = 1200;  // plot width in pixels
constexpr int kLeft = 270;    // label column
constexpr int kRowHeight = 14;
constexpr int kTop = 48;
constexpr std::size_t kMaxRows = 240;

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

}  // namespace

Status WriteTimelineSvg(const std::string& path, const scenario::RunResult& result) {
  const std::int64_t end = std::max<std::int64_t>(1, result.end.time_since_epoch().count());
  auto x_of = [&](std::int64_t ns) {
    return static_cast<int>(static_cast<long double>(ns) * (kWidth - 1) / end);
  };
  auto name_of = [&](std::uint64_t id) {
    auto it = result.names.find(id);
    return it == result.names.end() ? std::string("?") : it->second;
  };
  // Rows in (peer, chore name) order; each row keeps which pixel columns were busy.
  // Each pixel column covers end/kWidth of virtual time; a row keeps how much of each column
  // its chore spent running, and whether a run began there.
  struct Row {
    std::vector<double> busy = std::vector<double>(kWidth, 0.0);
    std::vector<bool> started = std::vector<bool>(kWidth, false);
    std::uint64_t runs = 0;
  };
  const long double column_ns = static_cast<long double>(end) / kWidth;
  auto add_busy = [&](Row& row, std::int64_t from, std::int64_t to) {
    for (int x = x_of(from); x <= x_of(to) && x < kWidth; ++x) {
      const long double left = x * column_ns, right = (x + 1) * column_ns;
      const long double overlap =
          std::min<long double>(to, right) - std::max<long double>(from, left);
      if (overlap > 0) row.busy[x] += static_cast<double>(overlap / column_ns);
    }
  };
  std::map<std::pair<PeerId, std::string>, Row> rows;
  std::map<std::tuple<PeerId, std::uint64_t, std::uint64_t>, std::int64_t> open;
  std::vector<std::pair<int, std::string>> faults;
  std::vector<int> failed_checks;
  for (const TraceRecord& r : result.records) {
    if (r.kind == trace_kinds::kCycleRunBegin.id) {
      open[{r.peer, r.a, r.c}] = r.time_ns;
      Row& row = rows[{r.peer, name_of(r.a)}];
      ++row.runs;
      row.started[std::min(kWidth - 1, x_of(r.time_ns))] = true;
    } else if (r.kind == trace_kinds::kCycleRunEnd.id) {
      auto it = open.find({r.peer, r.a, r.c});
      if (it == open.end()) continue;
      add_busy(rows[{r.peer, name_of(r.a)}], it->second, r.time_ns);
      open.erase(it);
    } else if (r.kind == scenario::scenario_kinds::kFault.id) {
      const std::string peer = r.peer < result.peer_names.size() ? result.peer_names[r.peer] : "?";
      faults.push_back({x_of(r.time_ns), name_of(r.a) + " " + peer});
    } else if (r.kind == scenario::scenario_kinds::kCheck.id && r.b == 0) {
      failed_checks.push_back(x_of(r.time_ns));
    }
  }
  for (const auto& [key, start] : open) {
    add_busy(rows[{std::get<0>(key), name_of(std::get<1>(key))}], start, end);
  }

  const std::size_t shown = std::min(rows.size(), kMaxRows);
  const int height = kTop + static_cast<int>(shown) * kRowHeight + 40;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    std::to_string(kLeft + kWidth + 20) + "\" height=\"" + std::to_string(height) +
                    "\" font-family=\"monospace\" font-size=\"11\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"8\" y=\"16\" font-size=\"13\">" + Escape(result.scenario) + " — seed " +
         std::to_string(result.seed) + " — digest " + Trace::FormatDigest(result.digest) +
         " — chore runs over virtual time (0 to " + FormatDuration(result.end.time_since_epoch()) +
         ")</text>\n";
  // Time axis: ten ticks.
  for (int i = 0; i <= 10; ++i) {
    const int x = kLeft + i * (kWidth - 1) / 10;
    svg += "<line x1=\"" + std::to_string(x) + "\" y1=\"" + std::to_string(kTop - 8) + "\" x2=\"" +
           std::to_string(x) + "\" y2=\"" + std::to_string(height - 30) + "\" stroke=\"#ddd\"/>\n";
    svg += "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(kTop - 12) +
           "\" text-anchor=\"middle\">" + Escape(FormatTime(TimePoint(Duration(end / 10 * i)))) +
           "</text>\n";
  }
  std::size_t index = 0;
  for (const auto& [key, row] : rows) {
    if (index == shown) break;
    const int y = kTop + static_cast<int>(index) * kRowHeight;
    const std::string peer =
        key.first < result.peer_names.size() ? result.peer_names[key.first] : "?";
    if (index % 2 == 0) {
      svg += "<rect x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
             std::to_string(kWidth) + "\" height=\"" + std::to_string(kRowHeight) +
             "\" fill=\"#f4f6fa\"/>\n";
    }
    svg += "<text x=\"8\" y=\"" + std::to_string(y + 10) + "\">" + Escape(peer + " " + key.second) +
           " (" + std::to_string(row.runs) + ")</text>\n";
    // Shade: how much of each column the chore was running (a run that began there and took
    // no time still shows faintly). Equal shades merge into one rectangle.
    auto level = [&row](int x) {
      const double fraction = std::min(1.0, row.busy[x]);
      if (fraction <= 0 && !row.started[x]) return 0;
      return std::max(1, static_cast<int>(fraction * 10 + 0.5));
    };
    for (int x = 0; x < kWidth;) {
      const int shade = level(x);
      int stop = x + 1;
      while (stop < kWidth && level(stop) == shade) ++stop;
      if (shade > 0) {
        char opacity[16];
        std::snprintf(opacity, sizeof(opacity), "%.1f", shade / 10.0);
        svg += "<rect x=\"" + std::to_string(kLeft + x) + "\" y=\"" + std::to_string(y + 2) +
               "\" width=\"" + std::to_string(stop - x) + "\" height=\"" +
               std::to_string(kRowHeight - 4) + "\" fill=\"#2456b8\" fill-opacity=\"" + opacity +
               "\"/>\n";
      }
      x = stop;
    }
    ++index;
  }
  for (const auto& [x, label] : faults) {
    svg += "<line x1=\"" + std::to_string(kLeft + x) + "\" y1=\"" + std::to_string(kTop - 4) +
           "\" x2=\"" + std::to_string(kLeft + x) + "\" y2=\"" + std::to_string(height - 30) +
           "\" stroke=\"#d33\" stroke-dasharray=\"3,2\"><title>" + Escape(label) +
           "</title></line>\n";
  }
  for (int x : failed_checks) {
    svg += "<text x=\"" + std::to_string(kLeft + x) + "\" y=\"" + std::to_string(height - 16) +
           "\" fill=\"#d33\" text-anchor=\"middle\">✗ check</text>\n";
  }
  if (rows.size() > shown) {
    svg += "<text x=\"8\" y=\"" + std::to_string(height - 16) + "\">(+" +
           std::to_string(rows.size() - shown) + " more rows not shown)</text>\n";
  }
  svg += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(height - 4) +
         "\" fill=\"#666\">shade: share of the time the chore was running (faint: runs that took "
         "no time); red dashes: faults (hover for which); (n): runs</text>\n";
  svg += "</svg>\n";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << svg;
  out.close();
  if (!out) return UnavailableError("cannot write " + path);
  return Status::Ok();
}

}  // namespace testplanet::report
