// WaitGroup: wait for a set of coroutines to finish (Go's sync.WaitGroup / errgroup without the
// errors), used to settle several satellites concurrently and wait for all of them.
//
// Add before starting work, Done when each piece ends; Wait resumes once the count is zero
// (at once if it already is). Single use: once the count has reached zero after work was
// added, later Adds are refused.
#ifndef TESTPLANET_SIM_WAIT_GROUP_H_
#define TESTPLANET_SIM_WAIT_GROUP_H_

#include "sim/asio.h"
#include "sim/context.h"
#include "sim/simulator.h"
#include "sim/sleep.h"

namespace testplanet {

class WaitGroup {
 public:
  explicit WaitGroup(Simulator& sim) : done_(sim), background_(Context::Background(sim)) {}

  // Returns false (and adds nothing) once the group has finished.
  bool Add(int n = 1) {
    if (done_.Released()) return false;
    pending_ += n;
    return true;
  }
  void Done() {
    if (--pending_ == 0) done_.Release();
  }
  int pending() const { return pending_; }

  // Resumes when every added piece of work is Done.
  Awaitable<void> Wait() {
    if (pending_ == 0) co_return;
    co_await done_.Wait(background_);
  }

 private:
  int pending_ = 0;
  Fence done_;
  Context background_;
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_WAIT_GROUP_H_
