// PeerStep: the step most peer actions are — call one RunContext method on every selected peer,
// after asking for the fault it fires (crash, stop, restart, down, up use it).
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_PEER_STEP_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_PEER_STEP_H_

#include <string_view>
#include <utility>
#include <vector>

#include "scenarios/language/run_context.h"

namespace testplanet::scenario {

class PeerStep final : public StepAction {
 public:
  using Act = void (RunContext::*)(PeerRef);
  // `ask_for` may be empty: the step asks for no fault.
  PeerStep(std::vector<PeerRef> peers, Act act, std::string_view ask_for)
      : peers_(std::move(peers)), act_(act), ask_for_(ask_for) {}

  void Apply(RunContext& run) const override {
    if (!ask_for_.empty()) run.AskFor(ask_for_);
    for (const PeerRef& peer : peers_) (run.*act_)(peer);
  }

 private:
  std::vector<PeerRef> peers_;
  Act act_;
  std::string_view ask_for_;
};

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_PEER_STEP_H_
