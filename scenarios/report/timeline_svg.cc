// timeline.svg: one row per peer (satellites first, then storage nodes, then the rest), virtual
// time across on a grid of round times. In a row, each chore (and, apart, the RPCs the peer
// served) has a band of its own, shaded by how much of each pixel column it was running; a run
// that took no time still shows. Faults are red lines, labelled along the top and marked on the
// peer's row; failed checks are marked below. Under the rows, the unsent-orders backlog over
// time: the total, and each storage node with a row faintly. At most 400 peers are drawn
// (satellites first); the rest are counted, and a planet with more then gets a row per kind of
// peer on top ("storagenode*"): every peer's runs of each chore, shaded by how many began in each
// pixel column. Plain SVG: any browser shows it.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "scenarios/report/markup.h"
#include "scenarios/report/reports.h"
#include "scenarios/report/run_model.h"

namespace testplanet::report {
namespace {

constexpr int kWidth = 1100;  // plot width in pixels
constexpr int kLeft = 190;    // label column
constexpr int kRowHeight = 13;
constexpr int kTop = 76;
constexpr int kBacklogHeight = 110;
constexpr std::size_t kMaxRows = 400;
constexpr std::array<const char*, 6> kPalette = {"#2456b8", "#2a9d5c", "#b8742a",
                                                 "#8a3fb8", "#3fa7b8", "#b83f6e"};
constexpr const char* kRpcColour = "#888";

std::string Num(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f", value);
  return buffer;
}

// A step of the grid: the first round duration that gives at most 12 lines across `span`.
std::int64_t GridStep(std::int64_t span_ns) {
  static constexpr std::int64_t kSecond = 1'000'000'000;
  static constexpr std::array<std::int64_t, 27> kSteps = {1'000'000,
                                                          10'000'000,
                                                          100'000'000,
                                                          kSecond,
                                                          2 * kSecond,
                                                          5 * kSecond,
                                                          10 * kSecond,
                                                          15 * kSecond,
                                                          30 * kSecond,
                                                          60 * kSecond,
                                                          2 * 60 * kSecond,
                                                          5 * 60 * kSecond,
                                                          10 * 60 * kSecond,
                                                          15 * 60 * kSecond,
                                                          30 * 60 * kSecond,
                                                          3600 * kSecond,
                                                          2 * 3600 * kSecond,
                                                          3 * 3600 * kSecond,
                                                          6 * 3600 * kSecond,
                                                          12 * 3600 * kSecond,
                                                          86400 * kSecond,
                                                          2 * 86400 * kSecond,
                                                          7 * 86400 * kSecond,
                                                          14 * 86400 * kSecond,
                                                          28 * 86400 * kSecond,
                                                          91 * 86400 * kSecond,
                                                          365 * 86400 * kSecond};
  for (std::int64_t step : kSteps) {
    if (span_ns / step <= 12) return step;
  }
  return span_ns / 12 + 1;
}

// How much of each pixel column one series (a chore on a peer, or its RPCs) spent running, and
// where a run began.
struct Band {
  std::vector<double> busy = std::vector<double>(kWidth, 0.0);
  std::vector<bool> started = std::vector<bool>(kWidth, false);
  std::uint64_t runs = 0;
};

class Timeline {
 public:
  Timeline(const scenario::RunResult& result, const RunModel& model)
      : result_(result),
        model_(model),
        span_(std::max<std::int64_t>(model.end_ns, 1'000'000'000)) {}

  // Only the rows drawn get bands: a band is two pixel-wide arrays, and a 25,000-node planet
  // has 100,000 series, 400 of them shown.
  void Collect() {
    peers_ = model_.RowOrder();
    if (peers_.size() > kMaxRows) {
      not_shown_ = peers_.size() - kMaxRows;
      peers_.resize(kMaxRows);
    }
    for (PeerId peer : peers_) shown_.insert(peer);
    if (not_shown_ > 0) {
      for (ChoreDensity& density : ChoreDensities(model_, kWidth, span_)) {
        if (colours_.count(density.chore) == 0) {
          colours_[density.chore] = kPalette[colours_.size() % kPalette.size()];
        }
        if (kinds_.empty() || kinds_.back().front().kind != density.kind) kinds_.emplace_back();
        kinds_.back().push_back(std::move(density));
      }
    }
    for (const Span& span : model_.spans) {
      if (shown_.count(span.peer) == 0) continue;
      const bool rpc = span.kind == Span::Kind::kRpc;
      const std::string& name = model_.Text(span.name);
      if (!rpc && colours_.count(name) == 0) {
        colours_[name] = kPalette[colours_.size() % kPalette.size()];
      }
      Band& band = bands_[span.peer][rpc ? std::string("~rpc") : name];
      ++band.runs;
      band.started[X(span.begin_ns)] = true;
      AddBusy(band, span.begin_ns, span.end_ns);
    }
  }

  std::string Svg() const {
    const std::size_t shown = peers_.size();
    const int peers_top = kTop + static_cast<int>(kinds_.size()) * kRowHeight;
    const int rows_bottom = peers_top + static_cast<int>(shown) * kRowHeight;
    const int backlog_top = rows_bottom + 34;
    const int height = backlog_top + kBacklogHeight + 68;
    std::string svg = Header(height, rows_bottom);
    for (std::size_t i = 0; i < kinds_.size(); ++i) {
      svg += KindRowSvg(kTop + static_cast<int>(i) * kRowHeight, kinds_[i]);
    }
    for (std::size_t i = 0; i < shown; ++i) {
      svg += RowSvg(peers_top + static_cast<int>(i) * kRowHeight, i + kinds_.size(), peers_[i]);
    }
    if (not_shown_ > 0) {
      svg += "<text x=\"8\" y=\"" + std::to_string(rows_bottom + 12) + "\">(+" +
             std::to_string(not_shown_) + " more peers not shown)</text>\n";
    }
    svg += Faults(rows_bottom);
    svg += Checks(rows_bottom);
    svg += Backlog(backlog_top);
    svg += Legend(height - 34);
    return svg + "</svg>\n";
  }

 private:
  int X(std::int64_t ns) const {
    const long double x =
        static_cast<long double>(std::clamp<std::int64_t>(ns, 0, span_)) * (kWidth - 1) / span_;
    return static_cast<int>(x);
  }

  void AddBusy(Band& band, std::int64_t from, std::int64_t to) const {
    const long double column_ns = static_cast<long double>(span_) / kWidth;
    for (int x = X(from); x <= X(to) && x < kWidth; ++x) {
      const long double left = x * column_ns, right = (x + 1) * column_ns;
      const long double overlap =
          std::min<long double>(to, right) - std::max<long double>(from, left);
      if (overlap > 0) band.busy[x] += static_cast<double>(overlap / column_ns);
    }
  }

  std::string Header(int height, int rows_bottom) const {
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                      std::to_string(kLeft + kWidth + 30) + "\" height=\"" +
                      std::to_string(height) + "\" font-family=\"monospace\" font-size=\"11\">\n";
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    svg += "<text x=\"8\" y=\"16\" font-size=\"13\">" +
           EscapeMarkup(result_.scenario + " — seed " + std::to_string(result_.seed) +
                        " — digest " + Trace::FormatDigest(result_.digest) + " — " +
                        FormatDuration(result_.end.time_since_epoch()) + " virtual") +
           "</text>\n";
    const std::int64_t step = GridStep(span_);
    for (std::int64_t t = 0; t <= span_; t += step) {
      const int x = kLeft + X(t);
      svg += "<line x1=\"" + std::to_string(x) + "\" y1=\"" + std::to_string(kTop - 6) +
             "\" x2=\"" + std::to_string(x) + "\" y2=\"" + std::to_string(rows_bottom) +
             "\" stroke=\"#ddd\"/>\n";
      svg += "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(kTop - 8) +
             "\" text-anchor=\"middle\" fill=\"#555\">" +
             EscapeMarkup(FormatTime(TimePoint(Duration(t)))) + "</text>\n";
      if (span_ - t < step) break;
    }
    if (model_.end_ns < span_) {
      svg += "<text x=\"" + std::to_string(kLeft + X(model_.end_ns) + 4) + "\" y=\"" +
             std::to_string(kTop - 20) + "\" fill=\"#555\">run ended at " +
             EscapeMarkup(FormatTime(TimePoint(Duration(model_.end_ns)))) + "</text>\n";
    }
    return svg;
  }

  // A row: the peer's name, and a band per chore (then one for served RPCs).
  std::string RowSvg(int y, std::size_t index, PeerId peer) const {
    std::string svg;
    if (index % 2 == 0) {
      svg += "<rect x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
             std::to_string(kWidth) + "\" height=\"" + std::to_string(kRowHeight) +
             "\" fill=\"#f4f6fa\"/>\n";
    }
    svg += "<text x=\"8\" y=\"" + std::to_string(y + 10) + "\">" +
           EscapeMarkup(model_.PeerName(peer)) + "</text>\n";
    auto it = bands_.find(peer);
    if (it == bands_.end()) return svg;
    const int count = static_cast<int>(it->second.size());
    const double band_height = static_cast<double>(kRowHeight - 2) / count;
    int b = 0;
    for (const auto& [name, band] : it->second) {
      const bool rpc = name == "~rpc";
      const std::string colour = rpc ? kRpcColour : colours_.at(name);
      const std::string label = rpc ? "RPCs served" : name;
      svg += BandSvg(band, y + 1 + b * band_height, band_height, colour,
                     model_.PeerName(peer) + " " + label + ": " + std::to_string(band.runs) +
                         (rpc ? " served" : " runs"));
      ++b;
    }
    return svg;
  }

  // A kind's row: every peer of the kind, a band per chore, each pixel column shaded by how many
  // runs began in it (against the band's busiest column); red beneath where some failed.
  std::string KindRowSvg(int y, const std::vector<ChoreDensity>& chores) const {
    std::string svg = "<rect x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(y) +
                      "\" width=\"" + std::to_string(kWidth) + "\" height=\"" +
                      std::to_string(kRowHeight) + "\" fill=\"#eef0e4\"/>\n";
    svg += "<text x=\"8\" y=\"" + std::to_string(y + 10) + "\">" +
           EscapeMarkup(chores.front().kind + "* (" + std::to_string(PeersOf(chores)) + ")") +
           "</text>\n";
    const double band_height = static_cast<double>(kRowHeight - 2) / chores.size();
    for (std::size_t b = 0; b < chores.size(); ++b) {
      const ChoreDensity& d = chores[b];
      const std::uint32_t top =
          std::max<std::uint32_t>(1, *std::max_element(d.started.begin(), d.started.end()));
      Band band;
      for (int x = 0; x < kWidth; ++x) {
        band.busy[x] = static_cast<double>(d.started[x]) / top;
        band.started[x] = d.started[x] > 0;
      }
      const double band_y = y + 1 + static_cast<double>(b) * band_height;
      svg += BandSvg(band, band_y, band_height, colours_.at(d.chore),
                     d.kind + "* " + d.chore + ": " + std::to_string(d.runs) + " runs by " +
                         std::to_string(d.peers) + " peers, " + std::to_string(d.failed) +
                         " failed; shade: runs begun, against the busiest column");
      for (int x = 0; x < kWidth; ++x) {
        if (d.failures[x] == 0) continue;
        svg += "<rect x=\"" + std::to_string(kLeft + x) + "\" y=\"" +
               Num(band_y + band_height - 1.5) + "\" width=\"1\" height=\"1.5\" fill=\"#d33\"/>";
      }
    }
    return svg;
  }

  static std::size_t PeersOf(const std::vector<ChoreDensity>& chores) {
    std::size_t most = 0;
    for (const ChoreDensity& d : chores) most = std::max(most, d.peers);
    return most;
  }

  static std::string BandSvg(const Band& band, double y, double height, const std::string& colour,
                             const std::string& title) {
    auto level = [&band](int x) {
      const double fraction = std::min(1.0, band.busy[x]);
      if (fraction <= 0 && !band.started[x]) return 0;
      return std::max(2, static_cast<int>(std::lround(fraction * 10)));
    };
    std::string svg = "<g fill=\"" + colour + "\"><title>" + EscapeMarkup(title) + "</title>";
    for (int x = 0; x < kWidth;) {
      const int shade = level(x);
      int stop = x + 1;
      while (stop < kWidth && level(stop) == shade) ++stop;
      if (shade > 0) {
        svg += "<rect x=\"" + std::to_string(kLeft + x) + "\" y=\"" + Num(y) + "\" width=\"" +
               std::to_string(stop - x) + "\" height=\"" + Num(height) + "\" fill-opacity=\"" +
               Num(shade / 10.0) + "\"/>";
      }
      x = stop;
    }
    return svg + "</g>\n";
  }

  // Faults: a red line each, a mark on the peer's row, and a label along the top where there is
  // room for one (every fault keeps its name on hover).
  std::string Faults(int rows_bottom) const {
    std::string svg;
    std::map<PeerId, int> row_of;
    for (std::size_t i = 0; i < peers_.size(); ++i) {
      row_of[peers_[i]] = static_cast<int>(i + kinds_.size());
    }
    std::array<int, 3> last_label_x = {-1000, -1000, -1000};
    std::map<std::pair<PeerId, int>, std::map<std::string, int>> network;  // (peer, x) -> kinds
    for (const Mark& fault : model_.faults) {
      if (fault.network) {
        ++network[{fault.peer, X(fault.time_ns)}][fault.what];
        continue;
      }
      const int x = kLeft + X(fault.time_ns);
      const std::string label = fault.what + " " + model_.PeerName(fault.peer) + " at " +
                                FormatTime(TimePoint(Duration(fault.time_ns)));
      svg += "<g><title>" + EscapeMarkup(label) + "</title><line x1=\"" + std::to_string(x) +
             "\" y1=\"" + std::to_string(kTop - 4) + "\" x2=\"" + std::to_string(x) + "\" y2=\"" +
             std::to_string(rows_bottom) +
             "\" stroke=\"#d33\" stroke-opacity=\"0.5\" stroke-dasharray=\"3,2\"/>";
      if (auto row = row_of.find(fault.peer); row != row_of.end()) {
        const int y = kTop + row->second * kRowHeight;
        svg += "<path d=\"M" + std::to_string(x - 4) + " " + std::to_string(y) + " l8 0 l-4 " +
               std::to_string(kRowHeight) + " z\" fill=\"#d33\"/>";
      }
      for (std::size_t level = 0; level < last_label_x.size(); ++level) {
        if (x - last_label_x[level] < 110) continue;
        last_label_x[level] = x;
        svg += "<text x=\"" + std::to_string(x + 2) + "\" y=\"" +
               std::to_string(30 + 10 * static_cast<int>(level)) +
               "\" fill=\"#d33\" font-size=\"10\">" + EscapeMarkup(fault.what) + " " +
               EscapeMarkup(model_.PeerName(fault.peer)) + "</text>";
        break;
      }
      svg += "</g>\n";
    }
    return svg + NetworkFaults(network, row_of);
  }

  // Faults the network drew per message: a short red tick on the sender's row per pixel column,
  // with the kinds and counts on hover.
  static std::string NetworkFaults(
      const std::map<std::pair<PeerId, int>, std::map<std::string, int>>& network,
      const std::map<PeerId, int>& row_of) {
    std::string svg = "<g stroke=\"#d33\" stroke-width=\"1\">";
    for (const auto& [key, kinds] : network) {
      auto row = row_of.find(key.first);
      if (row == row_of.end()) continue;
      std::string title;
      for (const auto& [kind, count] : kinds) {
        title += (title.empty() ? "" : ", ") + kind + " ×" + std::to_string(count);
      }
      const int x = kLeft + key.second;
      const int y = kTop + row->second * kRowHeight;
      svg += "<line x1=\"" + std::to_string(x) + "\" y1=\"" + std::to_string(y) + "\" x2=\"" +
             std::to_string(x) + "\" y2=\"" + std::to_string(y + 4) + "\"><title>" +
             EscapeMarkup("network faults: " + title) + "</title></line>";
    }
    return svg + "</g>\n";
  }

  std::string Checks(int rows_bottom) const {
    std::string svg;
    for (const Mark& check : model_.checks) {
      if (check.passed) continue;
      svg += "<text x=\"" + std::to_string(kLeft + X(check.time_ns)) + "\" y=\"" +
             std::to_string(rows_bottom + 12) + "\" fill=\"#d33\" text-anchor=\"middle\"><title>" +
             EscapeMarkup("check failed: " + check.what) + "</title>✗ " + EscapeMarkup(check.what) +
             "</text>\n";
    }
    return svg;
  }

  // The highest backlog in each pixel column, as a step line.
  std::string BacklogLine(const std::vector<BacklogPoint>& series, int top, double scale,
                          const char* style) const {
    std::vector<std::int64_t> column(kWidth, -1);
    for (std::size_t i = 0; i < series.size(); ++i) {
      const std::int64_t until = i + 1 < series.size() ? series[i + 1].time_ns : model_.end_ns;
      for (int x = X(series[i].time_ns); x <= X(until); ++x) {
        column[x] = std::max(column[x], series[i].unsent);
      }
    }
    std::string points;
    for (int x = 0; x < kWidth; ++x) {
      if (column[x] < 0) continue;
      const double y = top + kBacklogHeight - static_cast<double>(column[x]) * scale;
      points += std::to_string(kLeft + x) + "," + Num(y) + " ";
    }
    if (points.empty()) return "";
    return "<polyline points=\"" + points + "\" fill=\"none\" " + style + "/>\n";
  }

  std::string Backlog(int top) const {
    std::int64_t highest = 1;
    for (const auto& point : model_.total_backlog) highest = std::max(highest, point.unsent);
    const double scale = static_cast<double>(kBacklogHeight) / static_cast<double>(highest);
    std::string svg = "<text x=\"8\" y=\"" + std::to_string(top + 10) +
                      "\">unsent orders</text>\n<text x=\"8\" y=\"" + std::to_string(top + 24) +
                      "\" fill=\"#555\">(total; nodes faint)</text>\n";
    svg += "<rect x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(top) + "\" width=\"" +
           std::to_string(kWidth) + "\" height=\"" + std::to_string(kBacklogHeight) +
           "\" fill=\"#fafafa\" stroke=\"#ddd\"/>\n";
    svg += "<text x=\"" + std::to_string(kLeft - 4) + "\" y=\"" + std::to_string(top + 10) +
           "\" text-anchor=\"end\">" + std::to_string(highest) + "</text>\n";
    svg += "<text x=\"" + std::to_string(kLeft - 4) + "\" y=\"" +
           std::to_string(top + kBacklogHeight) + "\" text-anchor=\"end\">0</text>\n";
    for (const auto& [peer, series] : model_.backlog) {
      if (shown_.count(peer) == 0) continue;  // the nodes with a row: thousands would be a blur
      svg += BacklogLine(series, top, scale, "stroke=\"#9ab\" stroke-width=\"0.7\"");
    }
    svg += BacklogLine(model_.total_backlog, top, scale, "stroke=\"#2456b8\" stroke-width=\"1.6\"");
    if (!model_.orders_recorded) {
      svg += "<text x=\"" + std::to_string(kLeft + 8) + "\" y=\"" + std::to_string(top + 60) +
             "\" fill=\"#555\">orders were not recorded (the run kept chore runs and faults only: "
             "--trace chores)</text>\n";
    } else if (model_.total_backlog.empty()) {
      svg += "<text x=\"" + std::to_string(kLeft + 8) + "\" y=\"" + std::to_string(top + 60) +
             "\" fill=\"#555\">no orders were stored in this run</text>\n";
    }
    return svg;
  }

  std::string Legend(int y) const {
    std::string svg;
    int x = kLeft;
    for (const auto& [name, colour] : colours_) {
      svg += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y - 9) +
             "\" width=\"10\" height=\"10\" fill=\"" + colour + "\"/><text x=\"" +
             std::to_string(x + 14) + "\" y=\"" + std::to_string(y) + "\">" + EscapeMarkup(name) +
             "</text>\n";
      x += 24 + static_cast<int>(name.size()) * 7;
    }
    svg += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y - 9) +
           "\" width=\"10\" height=\"10\" fill=\"" + kRpcColour + "\"/><text x=\"" +
           std::to_string(x + 14) + "\" y=\"" + std::to_string(y) + "\">RPCs served</text>\n";
    svg += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(y + 14) +
           "\" fill=\"#666\">shade: share of the time running (runs that took no time show "
           "faint); ✗: failed checks</text>\n";
    svg += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(y + 28) +
           "\" fill=\"#666\">red lines: the scenario's faults; red ticks atop a row: the "
           "network's faults on that peer's messages (hover for which)</text>\n";
    return svg;
  }

  const scenario::RunResult& result_;
  const RunModel& model_;
  std::int64_t span_;          // the plotted span: the run, or 1 s for a run that took less
  std::vector<PeerId> peers_;  // the rows drawn, in row order
  std::set<PeerId> shown_;     // the same peers, to look up
  std::size_t not_shown_ = 0;  // peers with a row past the first kMaxRows
  std::map<PeerId, std::map<std::string, Band>> bands_;
  // With peers not shown: every peer's chores, a row per kind of peer (ChoreDensities' order).
  std::vector<std::vector<ChoreDensity>> kinds_;
  std::map<std::string, std::string> colours_;  // chore -> colour
};

}  // namespace

Status WriteTimelineSvg(const std::string& path, const scenario::RunResult& result) {
  return WriteTimelineSvg(path, result, BuildRunModel(result));
}

Status WriteTimelineSvg(const std::string& path, const scenario::RunResult& result,
                        const RunModel& model) {
  Timeline timeline(result, model);
  timeline.Collect();
  return WriteFile(path, timeline.Svg());
}

}  // namespace testplanet::report
