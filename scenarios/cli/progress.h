// Progress on stderr for what takes long (a 25,000-node week, a 2,000-seed sweep), on the real
// clock. On a terminal one line is rewritten in place; in a log (CI is not a terminal) a whole
// line is printed every few seconds, so that a long job visibly lives without flooding the log.
// Nothing here is read by a run: it is the one place the command shows wall-clock pace.
#ifndef TESTPLANET_SCENARIOS_CLI_PROGRESS_H_
#define TESTPLANET_SCENARIOS_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "scenarios/language/runner.h"

namespace testplanet::cli {

// Wall time since `start`, in seconds.
double SecondsSince(std::chrono::steady_clock::time_point start);  // determinism-ok: wall

class ProgressLine {
 public:
  // `quiet_seconds`: say nothing until this much wall time has passed (a short job stays silent).
  explicit ProgressLine(double quiet_seconds = 0);
  ~ProgressLine() { Done(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Shows `text` if it is time to: on a terminal at most 4 times a second, in a log every
  // kLogSeconds. `force` prints a log line now (a first result, say).
  void Show(const std::string& text, bool force = false);
  // Ends the terminal line, if one is showing.
  void Done();
  double Seconds() const { return SecondsSince(started_); }

  static constexpr double kLogSeconds = 5;

 private:
  const bool terminal_;
  const double quiet_seconds_;
  const std::chrono::steady_clock::time_point started_;  // determinism-ok: progress only
  double last_shown_ = -1;
  bool line_open_ = false;
};

// "n10000: 3h12m0s of 24h0m0s virtual (13%), 1.2M events, 480k events/s, about 1m40s left":
// the pace is measured from `first` (the first progress of the run) to `now`, `seconds` apart.
// The time left is forecast only once that window spans kMinPacedFraction of the virtual time
// from `first` to the end: a shorter one may sit inside a burst of simultaneous chores.
inline constexpr double kMinPacedFraction = 0.02;
std::string DescribeProgress(const std::string& name, const scenario::RunProgress& first,
                             const scenario::RunProgress& now, double seconds);

}  // namespace testplanet::cli

#endif  // TESTPLANET_SCENARIOS_CLI_PROGRESS_H_
