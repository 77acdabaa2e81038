// ChoreControl: what may be done to a periodic chore from outside it — the control half of
// Cycle's API, and the state a person debugging a chore reads.
//
// Cycle implements it (cycle.h says what each call does, and where it deviates from Go's
// sync2.Cycle on purpose). A peer exposes its chores through it by name, and decorators wrap it:
// the planet records every control call in the trace, and the planted bugs of scenarios/planet
// stand in for a faulty Cycle this way. Calls never block; the awaitable TriggerWaitAsync is the
// one way to wait, from inside the simulation.
#ifndef TESTPLANET_SIM_CHORE_CONTROL_H_
#define TESTPLANET_SIM_CHORE_CONTROL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "sim/asio.h"
#include "sim/clock.h"
#include "sim/status.h"

namespace testplanet {

class ChoreControl {
 public:
  virtual ~ChoreControl() = default;

  virtual const std::string& name() const = 0;

  // Control, as Cycle's methods of the same names.
  virtual void Pause() = 0;
  virtual void Restart() = 0;
  virtual void Trigger() = 0;
  virtual Status ChangeInterval(Duration interval) = 0;
  virtual void Stop() = 0;
  // Queues a manual run and completes when it has finished, with fn's status (CANCELLED if the
  // chore stopped first).
  virtual Awaitable<Status> TriggerWaitAsync() = 0;

  // State.
  virtual bool Paused() const = 0;
  virtual bool Running() const = 0;   // a run is in progress
  virtual bool Disabled() const = 0;  // interval -1: only triggers run it
  virtual bool Stopped() const = 0;   // it will never run again
  virtual Duration interval() const = 0;
  virtual std::uint64_t runs_started() const = 0;
  virtual std::uint64_t ticks_dropped() const = 0;
  // The instant of the next tick, or kTimeInfinity when none is armed.
  virtual TimePoint NextTick() const = 0;
};

// A ChoreControl that forwards every call to another — borrowed, or owned when given as a
// unique_ptr; decorators derive from it and override what they change.
class ChoreControlWrapper : public ChoreControl {
 public:
  explicit ChoreControlWrapper(ChoreControl& inner) : inner_(&inner) {}
  explicit ChoreControlWrapper(std::unique_ptr<ChoreControl> inner)
      : owned_(std::move(inner)), inner_(owned_.get()) {}

  const std::string& name() const override { return inner_->name(); }
  void Pause() override { inner_->Pause(); }
  void Restart() override { inner_->Restart(); }
  void Trigger() override { inner_->Trigger(); }
  Status ChangeInterval(Duration interval) override { return inner_->ChangeInterval(interval); }
  void Stop() override { inner_->Stop(); }
  Awaitable<Status> TriggerWaitAsync() override { return inner_->TriggerWaitAsync(); }
  bool Paused() const override { return inner_->Paused(); }
  bool Running() const override { return inner_->Running(); }
  bool Disabled() const override { return inner_->Disabled(); }
  bool Stopped() const override { return inner_->Stopped(); }
  Duration interval() const override { return inner_->interval(); }
  std::uint64_t runs_started() const override { return inner_->runs_started(); }
  std::uint64_t ticks_dropped() const override { return inner_->ticks_dropped(); }
  TimePoint NextTick() const override { return inner_->NextTick(); }

 protected:
  ChoreControl& inner() { return *inner_; }

 private:
  std::unique_ptr<ChoreControl> owned_;
  ChoreControl* inner_;
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_CHORE_CONTROL_H_
