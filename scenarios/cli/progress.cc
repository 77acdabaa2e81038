#include "scenarios/cli/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace testplanet::cli {
namespace {

// 1234 -> "1.2k", 5600000 -> "5.6M": counts people read at a glance.
std::string Count(double n) {
  char text[32];
  if (n >= 1e9) {
    std::snprintf(text, sizeof(text), "%.1fG", n / 1e9);
  } else if (n >= 1e6) {
    std::snprintf(text, sizeof(text), "%.1fM", n / 1e6);
  } else if (n >= 1e3) {
    std::snprintf(text, sizeof(text), "%.1fk", n / 1e3);
  } else {
    std::snprintf(text, sizeof(text), "%.0f", n);
  }
  return text;
}

}  // namespace

double SecondsSince(std::chrono::steady_clock::time_point start) {  // determinism-ok: wall
  const auto now = std::chrono::steady_clock::now();  // determinism-ok: progress lines only
  return std::chrono::duration<double>(now - start).count();
}

ProgressLine::ProgressLine(double quiet_seconds)
    : terminal_(isatty(STDERR_FILENO) != 0),
      quiet_seconds_(quiet_seconds),
      started_(std::chrono::steady_clock::now()) {}  // determinism-ok: progress lines only

void ProgressLine::Show(const std::string& text, bool force) {
  const double now = Seconds();
  if (now < quiet_seconds_ && !force) return;
  if (terminal_) {
    if (!force && last_shown_ >= 0 && now - last_shown_ < 0.25) return;
    // \033[K clears what a longer previous line left to the right.
    std::fprintf(stderr, "\r%s\033[K", text.c_str());
    line_open_ = true;
  } else {
    if (!force && last_shown_ >= 0 && now - last_shown_ < kLogSeconds) return;
    std::fprintf(stderr, "%s\n", text.c_str());
  }
  std::fflush(stderr);
  last_shown_ = now;
}

void ProgressLine::Done() {
  if (!line_open_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  line_open_ = false;
}

std::string DescribeProgress(const std::string& name, const scenario::RunProgress& first,
                             const scenario::RunProgress& now, double seconds) {
  const auto since_epoch = [](TimePoint t) { return t.time_since_epoch(); };
  const double virtual_done = std::chrono::duration<double>(since_epoch(now.now)).count();
  const double virtual_total = std::chrono::duration<double>(since_epoch(now.end)).count();
  const auto whole = [](Duration d) { return std::chrono::duration_cast<std::chrono::seconds>(d); };
  std::string text = name + ": " + FormatDuration(whole(since_epoch(now.now))) + " of " +
                     FormatDuration(whole(since_epoch(now.end))) + " virtual";
  if (virtual_total > 0) {
    text += " (" + std::to_string(static_cast<int>(100 * virtual_done / virtual_total)) + "%)";
  }
  text += ", " + Count(static_cast<double>(now.events)) + " events";
  const double virtual_paced =
      std::chrono::duration<double>(now.now - first.now).count();  // virtual seconds measured
  if (seconds <= 0) return text;
  text += ", " + Count(static_cast<double>(now.events - first.events) / seconds) + " events/s";
  // Chores tick together (25,000 nodes check in within one virtual second of the hour), so a
  // window inside such a burst paces virtual time at a crawl: 0.25 virtual seconds in 5 real
  // ones forecast a day. Until the window spans a fair part of the run, no forecast at all.
  const double virtual_from_first =
      virtual_total - std::chrono::duration<double>(since_epoch(first.now)).count();
  if (virtual_paced > 0 && virtual_paced >= kMinPacedFraction * virtual_from_first &&
      virtual_total > virtual_done) {
    const double left = (virtual_total - virtual_done) * seconds / virtual_paced;
    text += ", about " +
            FormatDuration(std::chrono::seconds(static_cast<std::int64_t>(std::ceil(left)))) +
            " left";
  }
  return text;
}

}  // namespace testplanet::cli
