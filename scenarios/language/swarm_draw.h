// SwarmDraw: what a kind of step is given to draw its part of one swarm seed's scenario.
//
// Each kind draws from a random stream of its own ("swarm/<field>"), so that adding a kind, or
// changing how one draws, leaves every other kind's draws as they were. Times fall in the faulty
// part of the run (after the first 5%, before the quiesce); the kind adds its steps with Add or
// AddOn and says in one line what it drew (printed with the seed, and written at the top of the
// seed's scenario file).
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_SWARM_DRAW_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_SWARM_DRAW_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "scenarios/language/scenario.pb.h"
#include "scenarios/planet/peer_ref.h"
#include "sim/clock.h"
#include "sim/random.h"

namespace testplanet::scenario {

class SwarmDraw {
 public:
  // Draws into `spec` (whose planet is already drawn) for a run of `duration` that quiesces at
  // `quiesce`, from `random`; appends what it says to `description`.
  SwarmDraw(Scenario& spec, const PeerCounts& counts, Duration duration, Duration quiesce,
            RandomStream random, std::string& description);

  RandomStream& random() { return random_; }
  const PeerCounts& counts() const { return counts_; }
  const PlanetSpec& planet() const { return spec_->planet(); }
  Duration duration() const { return duration_; }
  Duration quiesce() const { return quiesce_; }
  // True iff no chore of this planet starts its runs after a random pause (testplanet preset, or
  // max_sleep 0), so that a boundary instant is met exactly.
  bool exact_chores() const;

  // Whether this kind joins the seed's mix: true with probability `p`.
  bool On(double p = 0.5) { return random_.Bernoulli(p); }
  // An instant in the faulty part of the run, in whole seconds.
  Duration Time();
  // A stretch of at least 10 minutes (when the run allows) in the faulty part of the run.
  std::pair<Duration, Duration> Window();
  // A random storage node, satellite, uplink index; a random range of nodes.
  PeerRef Node();
  PeerRef Satellite();
  int Uplink();
  std::string NodeRange();
  // A random chore of a `kind` peer ("" if it has none).
  std::string Chore(PeerKind kind);
  // A probability in [0, `high`), kept to three decimals so that the printed mix is what runs.
  double Probability(double high);

  // A new step at `at`; a new step on the `count`-th `event` of `peer` (and `chore`).
  Step& Add(Duration at);
  Step& AddOn(std::string_view event, const std::string& peer, std::uint64_t count,
              std::string_view chore = "");
  // Adds `what` to the seed's description.
  void Say(const std::string& what);

 private:
  Scenario* spec_;
  PeerCounts counts_;
  Duration duration_;
  Duration quiesce_;
  RandomStream random_;
  std::string* description_;
};

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_SWARM_DRAW_H_
