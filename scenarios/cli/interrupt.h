// Ctrl-C during a command that runs scenarios: the first SIGINT (or SIGTERM) asks the run to stop
// where it is, so that a long run still leaves its run directory — the reports and trace so far
// and the planet's state at that moment — instead of nothing (a sweep starts no more seeds,
// stops the running ones and writes its reports; a shrink writes the smallest failing scenario
// found so far; replay and check-determinism report what they compared); the second ends the
// process at once, as the signal would have without this. SIGUSR1 asks the same and neither counts
// as a second signal nor makes the next SIGINT one: it is what a sweep sends its seeds, which may
// get the terminal's Ctrl-C just before it or just after.
//
// An InterruptWatch installs the handlers for its lifetime and puts the earlier ones back when it
// goes. The run polls Requested() between events, every few thousand of them (the progress
// hook), so a stop lands within a fraction of a second of simulation; while the planet starts or
// the reports are written it lands at the next poll, and a second signal quits at once.
// Trap: a stop lands at a moment of the real clock, so where an interrupted run ends differs from
// try to try; what ran is then exactly the --stop-at run at the instant it reached (RunResult's
// `interrupted` and `stop_at`), and that command, not the interrupt, reproduces it.
#ifndef TESTPLANET_SCENARIOS_CLI_INTERRUPT_H_
#define TESTPLANET_SCENARIOS_CLI_INTERRUPT_H_

#include <csignal>
#include <string_view>

namespace testplanet::cli {

class InterruptWatch {
 public:
  // `doing` says what the command does when asked to stop ("stopping where it is and writing
  // what ran"); the first signal prints it.
  explicit InterruptWatch(std::string_view doing);
  ~InterruptWatch();
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

  // True once a watched signal arrived while a watch was alive.
  static bool Requested();

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
  struct sigaction previous_usr1_ {};
};

}  // namespace testplanet::cli

#endif  // TESTPLANET_SCENARIOS_CLI_INTERRUPT_H_
