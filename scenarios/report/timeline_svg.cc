// timeline.svg: one row per (peer, chore), virtual time across; a bar wherever a run was in
// progress (runs closer than a pixel merge), a dot per run start, a red line per fault, and a
// mark per failed check. Plain SVG: any browser shows it.
#include <algorithm>
#include <cmath>
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

// Rows in (peer, chore name) order: each pixel column covers end/kWidth of virtual time, and a
// row keeps how much of each column its chore spent running, and whether a run began there.
struct Row {
  std::vector<double> busy = std::vector<double>(kWidth, 0.0);
  std::vector<bool> started = std::vector<bool>(kWidth, false);
  std::uint64_t runs = 0;
};

class Timeline {
 public:
  explicit Timeline(const scenario::RunResult& result)
      : result_(result), end_(std::max<std::int64_t>(1, result.end.time_since_epoch().count())) {}

  // Reads the runs, faults and failed checks out of the trace.
  void Collect() {
    std::map<std::tuple<PeerId, std::uint64_t, std::uint64_t>, std::int64_t> open;
    for (const TraceRecord& r : result_.records) {
      if (r.kind == trace_kinds::kCycleRunBegin.id) {
        open[{r.peer, r.a, r.c}] = r.time_ns;
        Row& row = rows_[{r.peer, NameOf(r.a)}];
        ++row.runs;
        row.started[std::min(kWidth - 1, X(r.time_ns))] = true;
      } else if (r.kind == trace_kinds::kCycleRunEnd.id) {
        auto it = open.find({r.peer, r.a, r.c});
        if (it == open.end()) continue;
        AddBusy(rows_[{r.peer, NameOf(r.a)}], it->second, r.time_ns);
        open.erase(it);
      } else if (r.kind == scenario::scenario_kinds::kFault.id) {
        faults_.push_back({X(r.time_ns), NameOf(r.a) + " " + PeerName(r.peer)});
      } else if (r.kind == scenario::scenario_kinds::kCheck.id && r.b == 0) {
        failed_checks_.push_back(X(r.time_ns));
      }
    }
    for (const auto& [key, start] : open) {
      AddBusy(rows_[{std::get<0>(key), NameOf(std::get<1>(key))}], start, end_);
    }
  }

  std::string Svg() const {
    const std::size_t shown = std::min(rows_.size(), kMaxRows);
    const int height = kTop + static_cast<int>(shown) * kRowHeight + 40;
    std::string svg = Header(height);
    std::size_t index = 0;
    for (const auto& [key, row] : rows_) {
      if (index == shown) break;
      svg += RowSvg(kTop + static_cast<int>(index) * kRowHeight, index, key, row);
      ++index;
    }
    svg += Marks(height);
    if (rows_.size() > shown) {
      svg += "<text x=\"8\" y=\"" + std::to_string(height - 16) + "\">(+" +
             std::to_string(rows_.size() - shown) + " more rows not shown)</text>\n";
    }
    svg += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(height - 4) +
           "\" fill=\"#666\">shade: share of the time the chore was running (faint: runs that "
           "took no time); red dashes: faults (hover for which); (n): runs</text>\n";
    return svg + "</svg>\n";
  }

 private:
  int X(std::int64_t ns) const {
    return static_cast<int>(static_cast<long double>(ns) * (kWidth - 1) / end_);
  }
  std::string NameOf(std::uint64_t id) const {
    auto it = result_.names.find(id);
    return it == result_.names.end() ? std::string("?") : it->second;
  }
  std::string PeerName(PeerId peer) const {
    return peer < result_.peer_names.size() ? result_.peer_names[peer] : "?";
  }
  void AddBusy(Row& row, std::int64_t from, std::int64_t to) const {
    const long double column_ns = static_cast<long double>(end_) / kWidth;
    for (int x = X(from); x <= X(to) && x < kWidth; ++x) {
      const long double left = x * column_ns, right = (x + 1) * column_ns;
      const long double overlap =
          std::min<long double>(to, right) - std::max<long double>(from, left);
      if (overlap > 0) row.busy[x] += static_cast<double>(overlap / column_ns);
    }
  }

  // The title and the time axis (ten ticks).
  std::string Header(int height) const {
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                      std::to_string(kLeft + kWidth + 20) + "\" height=\"" +
                      std::to_string(height) + "\" font-family=\"monospace\" font-size=\"11\">\n";
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    svg += "<text x=\"8\" y=\"16\" font-size=\"13\">" + Escape(result_.scenario) + " — seed " +
           std::to_string(result_.seed) + " — digest " + Trace::FormatDigest(result_.digest) +
           " — chore runs over virtual time (0 to " +
           FormatDuration(result_.end.time_since_epoch()) + ")</text>\n";
    for (int i = 0; i <= 10; ++i) {
      const int x = kLeft + i * (kWidth - 1) / 10;
      svg += "<line x1=\"" + std::to_string(x) + "\" y1=\"" + std::to_string(kTop - 8) +
             "\" x2=\"" + std::to_string(x) + "\" y2=\"" + std::to_string(height - 30) +
             "\" stroke=\"#ddd\"/>\n";
      svg += "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(kTop - 12) +
             "\" text-anchor=\"middle\">" + Escape(FormatTime(TimePoint(Duration(end_ / 10 * i)))) +
             "</text>\n";
    }
    return svg;
  }

  // One row: its label, and a shade for how much of each column the chore was running (a run
  // that began there and took no time still shows faintly); equal shades merge.
  std::string RowSvg(int y, std::size_t index, const std::pair<PeerId, std::string>& key,
                     const Row& row) const {
    std::string svg;
    if (index % 2 == 0) {
      svg += "<rect x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
             std::to_string(kWidth) + "\" height=\"" + std::to_string(kRowHeight) +
             "\" fill=\"#f4f6fa\"/>\n";
    }
    svg += "<text x=\"8\" y=\"" + std::to_string(y + 10) + "\">" +
           Escape(PeerName(key.first) + " " + key.second) + " (" + std::to_string(row.runs) +
           ")</text>\n";
    auto level = [&row](int x) {
      const double fraction = std::min(1.0, row.busy[x]);
      if (fraction <= 0 && !row.started[x]) return 0;
      return std::max(1, static_cast<int>(std::lround(fraction * 10)));
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
    return svg;
  }

  // Faults as red dashed lines (their name on hover) and failed checks as marks.
  std::string Marks(int height) const {
    std::string svg;
    for (const auto& [x, label] : faults_) {
      svg += "<line x1=\"" + std::to_string(kLeft + x) + "\" y1=\"" + std::to_string(kTop - 4) +
             "\" x2=\"" + std::to_string(kLeft + x) + "\" y2=\"" + std::to_string(height - 30) +
             "\" stroke=\"#d33\" stroke-dasharray=\"3,2\"><title>" + Escape(label) +
             "</title></line>\n";
    }
    for (int x : failed_checks_) {
      svg += "<text x=\"" + std::to_string(kLeft + x) + "\" y=\"" + std::to_string(height - 16) +
             "\" fill=\"#d33\" text-anchor=\"middle\">✗ check</text>\n";
    }
    return svg;
  }

  const scenario::RunResult& result_;
  std::int64_t end_;
  std::map<std::pair<PeerId, std::string>, Row> rows_;
  std::vector<std::pair<int, std::string>> faults_;
  std::vector<int> failed_checks_;
};

}  // namespace

Status WriteTimelineSvg(const std::string& path, const scenario::RunResult& result) {
  Timeline timeline(result);
  timeline.Collect();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << timeline.Svg();
  out.close();
  if (!out) return UnavailableError("cannot write " + path);
  return Status::Ok();
}

}  // namespace testplanet::report
