#include "scenarios/cli/interrupt.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>

namespace testplanet::cli {
namespace {

std::atomic<bool> requested{false};  // a stop was asked for, by any watched signal
std::atomic<bool> signalled{false};  // a SIGINT or SIGTERM came: the next one quits at once
static_assert(std::atomic<bool>::is_always_lock_free, "read and written from a signal handler");
// What the first signal prints, written by the watch before it installs the handler.
char message[256];
std::size_t message_size = 0;

// Only async-signal-safe calls: atomic exchanges, write(2), sigaction(2), raise(3).
void OnSignal(int signal) {
  // SIGUSR1 (a sweep's request to its seeds) never arms the second-signal exit: it may come
  // before the Ctrl-C that reached the seed too, which must not then end it at once.
  if (signal != SIGUSR1 && signalled.exchange(true)) {
    // The second SIGINT or SIGTERM: the default action (the process ends, killed by it).
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal, &fallback, nullptr);
    raise(signal);
    return;
  }
  if (requested.exchange(true)) return;  // already stopping: said once
  [[maybe_unused]] const ssize_t written = write(STDERR_FILENO, message, message_size);
}

}  // namespace

InterruptWatch::InterruptWatch(std::string_view doing) {
  const std::string text =
      "\ntestplanet: interrupted: " + std::string(doing) + " (interrupt again to quit at once)\n";
  message_size = std::min(text.size(), sizeof(message));
  std::memcpy(message, text.data(), message_size);
  requested.store(false);
  signalled.store(false);
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
