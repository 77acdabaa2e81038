// LifecycleGroup: the named services of one peer, started together and closed in reverse.
//
// Modeled on Storj's private/lifecycle.Group. Each item has an optional run (a coroutine that
// lives as long as the service) and an optional close. Start runs every item under one child
// context; when any run fails (an error other than the group's own cancellation), the group
// logs it in the trace, cancels the rest — the peer shuts down cleanly — and reports that
// first error. Close calls every close in reverse order of Add and combines their errors.
//
// Promises: each run's exit is recorded (lifecycle.item.exit with the item's name and code);
// Close is idempotent and safe on a half-built group (items never added are never closed).
#ifndef TESTPLANET_SIM_LIFECYCLE_H_
#define TESTPLANET_SIM_LIFECYCLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/asio.h"
#include "sim/context.h"
#include "sim/simulator.h"
#include "sim/status.h"
#include "sim/unique_function.h"

namespace testplanet {

struct LifecycleItem {
  std::string name;
  UniqueFunction<Awaitable<Status>(Context)> run;  // may be empty: nothing to run
  UniqueFunction<Status()> close;                  // may be empty: nothing to close
};

class LifecycleGroup {
 public:
  LifecycleGroup(Simulator& sim, PeerId peer) : sim_(&sim), peer_(peer) {}
  LifecycleGroup(const LifecycleGroup&) = delete;
  LifecycleGroup& operator=(const LifecycleGroup&) = delete;

  void Add(LifecycleItem item);

  // Starts every item's run under a child of `ctx`. `on_exit` runs once every run has returned,
  // with the first failure (OK if none failed, or all ended because `ctx` ended).
  // REQUIRES: called once.
  void Start(const Context& ctx, UniqueFunction<void(Status)> on_exit = {});
  // The awaitable form of Start: completes when every run has returned.
  Awaitable<Status> Run(Context ctx);
  // Cancels the runs (if started). They end at their next suspension point.
  void Cancel();

  // Closes every item in reverse order of Add; returns their errors combined. Idempotent.
  Status Close();

  bool running() const { return running_ > 0; }
  // The first failure of a run, if any.
  const Status& failure() const { return failure_; }
  std::vector<std::string> names() const;

 private:
  void OnItemExit(std::size_t index, Status status);

  Simulator* sim_;
  PeerId peer_;
  std::vector<LifecycleItem> items_;
  std::optional<Context> ctx_;
  int running_ = 0;
  bool closed_ = false;
  Status failure_;
  UniqueFunction<void(Status)> on_exit_;
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_LIFECYCLE_H_
