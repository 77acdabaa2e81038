#include "scenarios/cli/interrupt.h"

#include <unistd.h>

#include <atomic>

namespace testplanet::cli {
namespace {

std::atomic<bool> requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "read and written from a signal handler");

// Only async-signal-safe calls: an atomic store, write(2), sigaction(2).
void OnSignal(int signal) {
  const bool again = requested.exchange(true);
  if (again && signal == SIGUSR1) return;  // already stopping
  if (again) {
    // The second signal: the default action (the process ends, reported as killed by it).
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal, &fallback, nullptr);
    raise(signal);
    return;
  }
  static constexpr char kMessage[] =
      "\ntestplanet: interrupted: stopping where it is and writing what ran "
      "(interrupt again to quit at once)\n";
  [[maybe_unused]] const ssize_t written = write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
}

}  // namespace

InterruptWatch::InterruptWatch() {
  requested.store(false);
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
  sigaction(SIGUSR1, &action, &previous_usr1_);
  // A signal the process was started ignoring (nohup, a background job) stays ignored.
  if (previous_int_.sa_handler == SIG_IGN) sigaction(SIGINT, &previous_int_, nullptr);
  if (previous_term_.sa_handler == SIG_IGN) sigaction(SIGTERM, &previous_term_, nullptr);
}

InterruptWatch::~InterruptWatch() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
  sigaction(SIGUSR1, &previous_usr1_, nullptr);
}

bool InterruptWatch::Requested() { return requested.load(std::memory_order_relaxed); }

}  // namespace testplanet::cli
