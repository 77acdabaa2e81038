// Run: one run of a Plan — the RunContext that steps and checks act through. Internal to the
// language; RunScenario (runner.h) is the way in.
//
// run.cc builds the planet and drives the timeline; run_faults.cc keeps the faults in force and
// undoes them at the quiesce; run_checks.cc judges checks and the end of the run.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_RUN_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_RUN_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/language/run_context.h"
#include "scenarios/language/runner.h"

namespace testplanet::scenario {

class Run final : public RunContext {
 public:
  Run(const Plan& plan, const RunOptions& options, RunResult& result);

  // Runs the plan to its end (or RunOptions::stop_at), filling the result.
  void Go();

  // RunContext.
  Planet& planet() override { return *planet_; }
  const Plan& plan() const override { return *plan_; }
  void AskFor(std::string_view fault) override;
  void Fired(std::string_view fault, PeerRef peer) override;
  void Crash(PeerRef peer) override;
  void Stop(PeerRef peer) override;
  void Restart(PeerRef peer) override;
  void TakeDown(PeerRef peer) override;
  void BringUp(PeerRef peer) override;
  void SetClock(PeerRef peer, Duration offset, std::int64_t drift_ppm) override;
  void SetDiskFaults(PeerRef peer, const DiskRates& rates) override;
  bool ControlChore(PeerRef peer, std::string_view chore, ChoreOp op, Duration interval) override;
  void Spawn(Awaitable<Status> work, std::string counter) override;
  void After(Duration delay, UniqueFunction<void()> fn) override;
  RandomStream& Stream(std::string_view purpose) override;
  void Violation(const std::string& what) override;

 private:
  // A step waiting for an event.
  struct Armed {
    int step;
    std::uint64_t kind;
    std::set<PeerId> peers;   // empty: anyone's
    std::uint64_t chore = 0;  // name id; 0: any
    std::uint64_t remaining;
    bool met = false;
  };
  // A chore a step controlled, and what the quiesce must set right.
  struct TouchedChore {
    Duration configured{};  // its interval before the first change
    bool paused = false;
    bool retimed = false;
    bool stopped = false;
  };

  // run.cc
  bool Setup();
  void Schedule();
  void Arm(const PlannedStep& step);
  void OnRecord(const TraceRecord& record);
  void Hold(std::uint64_t bytes);
  void ApplyStep(int index);
  void Finish();
  std::string Inspect();
  // run_checks.cc
  void DoCheck(int index);
  void EndOfRunChecks();
  void CheckFaultsFired();
  void CheckTriggersMet();
  void CheckLiveness();
  // run_faults.cc
  void Quiesce();
  void RestoreChores();
  void RetryRestart(PeerRef peer);

  const Plan* plan_;
  const RunOptions* options_;
  RunResult* result_;
  int applying_ = -1;               // the step being applied
  std::uint64_t held_bytes_ = 0;    // trace records and log lines kept for the reports
  std::uint64_t records_held_ = 0;  // of which the trace's record log
  bool over_memory_ = false;
  std::map<std::string, int, std::less<>> asked_;  // fault -> the first step that asked for it
  std::vector<Armed> armed_;
  std::map<std::uint64_t, std::vector<std::size_t>> armed_by_kind_;
  std::set<PeerRef> down_;     // taken off the network by a step
  std::set<PeerRef> crashed_;  // crashed or stopped by a step, not restarted yet
  std::set<PeerRef> skewed_;   // clocks a step skewed
  std::map<PeerRef, std::unique_ptr<RandomStream>> disk_random_;
  std::map<std::pair<PeerRef, std::string>, TouchedChore> chores_;
  std::map<std::string, RandomStream, std::less<>> streams_;
  // Last, so that it goes first: tearing the planet down may still record, and the records
  // reach OnRecord, which reads the members above.
  std::unique_ptr<Planet> planet_;
};

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_RUN_H_
