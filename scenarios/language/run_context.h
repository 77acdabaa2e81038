// RunContext: what a step or check may do to, or ask of, the run it is part of.
//
// The runner implements it; actions see only this. It keeps the books the run's end needs:
// faults asked for and fired (every fault a step asks for must fire), and every fault still in
// force, which the quiesce undoes — peers down or crashed, skewed clocks, faulty disks, chores
// paused, re-timed or stopped. Calls are made from inside the simulation, at the step's instant.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_RUN_CONTEXT_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_RUN_CONTEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "scenarios/language/plan.h"
#include "scenarios/planet/planet.h"
#include "sim/asio.h"
#include "sim/random.h"

namespace testplanet::scenario {

struct DiskRates {
  double write = 0;
  double sync = 0;
  double read = 0;
  bool any() const { return write > 0 || sync > 0 || read > 0; }
};

class RunContext {
 public:
  virtual ~RunContext() = default;

  virtual Planet& planet() = 0;
  virtual const Plan& plan() const = 0;
  Simulator& sim() { return planet().sim(); }
  fakes::SimNetwork& network() { return planet().network(); }

  // --- Faults ---------------------------------------------------------------------------------
  // The step being applied asks for `fault` to fire; unless the scenario allows unfired faults,
  // the run fails at its end if it never did.
  virtual void AskFor(std::string_view fault) = 0;
  // `fault` fired on `peer`: counted (summary.json), recorded (scenario.fault) and logged.
  virtual void Fired(std::string_view fault, PeerRef peer) = 0;

  // --- Peers; the quiesce undoes each -----------------------------------------------------------
  virtual void Crash(PeerRef peer) = 0;
  virtual void Stop(PeerRef peer) = 0;
  // Starts a crashed or stopped peer again; one that fails on its disk is tried again each
  // minute while the peer is down (as a supervisor would).
  virtual void Restart(PeerRef peer) = 0;
  virtual void TakeDown(PeerRef peer) = 0;  // off the network
  virtual void BringUp(PeerRef peer) = 0;
  virtual void SetClock(PeerRef peer, Duration offset, std::int64_t drift_ppm) = 0;
  virtual void SetDiskFaults(PeerRef peer, const DiskRates& rates) = 0;
  // Does `op` to chore `chore` of `peer`, through the planet's recording handle; `interval` for
  // kChangeInterval. Returns false when the peer is down (nothing was done).
  virtual bool ControlChore(PeerRef peer, std::string_view chore, ChoreOp op,
                            Duration interval) = 0;

  // --- Work -------------------------------------------------------------------------------------
  // Runs `work` as a coroutine of its own; when it ends, counts it under `counter` (or
  // `counter`_failed, logging why) in summary.json's traffic.
  virtual void Spawn(Awaitable<Status> work, std::string counter) = 0;
  // Schedules `fn` `delay` from now, as an event of the run.
  virtual void After(Duration delay, UniqueFunction<void()> fn) = 0;
  // A random stream for `purpose`, drawn from the run's seed; the same purpose gives the same
  // stream within a run.
  virtual RandomStream& Stream(std::string_view purpose) = 0;
  // The harness saw the system break a promise (a hostile peer's order accepted): fails the run
  // as an invariant violation, when invariants are checked.
  virtual void Violation(const std::string& what) = 0;
};

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_RUN_CONTEXT_H_
