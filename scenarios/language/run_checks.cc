// Judging a run: each check at its instant, and at the end every fault asked for, every step
// waiting for an event, and liveness after a quiesce.
#include "scenarios/language/judgement.h"
#include "scenarios/language/run.h"

namespace testplanet::scenario {

void Run::DoCheck(int index) {
  Simulator& sim = planet_->sim();
  Simulator::Observation observing(sim);
  const PlannedCheck& check = plan_->checks[static_cast<std::size_t>(index)];
  Judgement judgement;
  check.action->Judge(*this, judgement);
  CheckOutcome outcome;
  outcome.name = check.name;
  outcome.where = plan_->CheckWhere(index);
  outcome.at = sim.Now();
  outcome.passed = judgement.passed();
  outcome.expected = judgement.expected();
  outcome.found = judgement.found();
  outcome.misses = judgement.misses();
  sim.Record(kSimulatorPeer, scenario_kinds::kCheck, static_cast<std::uint64_t>(index),
             outcome.passed ? 1 : 0);
  result_->checks.push_back(std::move(outcome));
}

void Run::EndOfRunChecks() {
  Simulator::Observation observing(planet_->sim());
  if (!plan_->unfired_faults_ok) {
    CheckFaultsFired();
    CheckTriggersMet();
  }
  if (plan_->quiesce) CheckLiveness();
}

void Run::CheckFaultsFired() {
  for (const auto& [fault, step] : asked_) {
    auto it = result_->faults.find(fault);
    const std::uint64_t fired = it == result_->faults.end() ? 0 : it->second;
    CheckOutcome outcome;
    outcome.name = "fault " + fault + " fired";
    outcome.where = plan_->StepWhere(step);
    outcome.at = planet_->sim().Now();
    outcome.expected = fault + " fired >= 1";
    outcome.found = fault + " fired " + std::to_string(fired);
    outcome.passed = fired > 0;
    if (!outcome.passed) outcome.misses.push_back(fault + " never fired");
    result_->checks.push_back(std::move(outcome));
  }
}

void Run::CheckTriggersMet() {
  for (const Armed& armed : armed_) {
    const PlannedStep& step = plan_->steps[static_cast<std::size_t>(armed.step)];
    const std::string event =
        std::string(step.on->event->name) + " x" + std::to_string(step.on->count);
    CheckOutcome outcome;
    outcome.name = "step[" + std::to_string(armed.step) + "] on " + event + " happened";
    outcome.where = plan_->StepWhere(armed.step);
    outcome.at = planet_->sim().Now();
    outcome.expected = event;
    outcome.found = armed.met ? event
                              : std::string(step.on->event->name) + " x" +
                                    std::to_string(step.on->count - armed.remaining);
    outcome.passed = armed.met;
    if (!outcome.passed) outcome.misses.push_back(event + " never happened");
    result_->checks.push_back(std::move(outcome));
  }
}

void Run::CheckLiveness() {
  CheckOutcome outcome;
  outcome.name = "liveness: every order settled after the quiesce";
  outcome.where = plan_->path + ":quiesce";
  outcome.at = planet_->sim().Now();
  outcome.expected = "unsent == 0 on every storage node";
  std::uint64_t unsent = 0;
  std::string holders;
  for (std::size_t i = 0; i < planet_->storage_nodes().size(); ++i) {
    const std::string name = PeerRef::StorageNode(static_cast<int>(i)).Name();
    auto* node = planet_->storage_nodes()[i].get();
    if (node == nullptr) {
      holders += (holders.empty() ? "" : ", ") + name + " is down";
      unsent += 1;
      continue;
    }
    auto counts = node->orders_db().Count();
    if (counts.ok() && counts->unsent > 0) {
      unsent += counts->unsent;
      holders += (holders.empty() ? "" : ", ") + name + " " + std::to_string(counts->unsent);
    }
  }
  outcome.found =
      "unsent = " + std::to_string(unsent) + (holders.empty() ? "" : " (" + holders + ")");
  outcome.passed = unsent == 0;
  if (!outcome.passed) outcome.misses.push_back("orders unsent at the end");
  result_->checks.push_back(std::move(outcome));
}

}  // namespace testplanet::scenario
