#include "scenarios/language/swarm.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <sstream>

#include "scenarios/language/registry.h"
#include "scenarios/language/swarm_draw.h"
#include "sim/random.h"

namespace testplanet::scenario {
namespace {

using std::chrono::minutes;

// A whole number of seconds in [low, high].
Duration Seconds(RandomStream& random, Duration low, Duration high) {
  return std::chrono::duration_cast<std::chrono::seconds>(random.UniformDuration(low, high));
}

// The fewest storage nodes the base scenario's transfers ask for.
int NodesNeeded(const Scenario& spec) {
  int needed = 1;
  for (const Step& step : spec.step()) {
    if (step.has_upload()) needed = std::max(needed, step.upload().nodes());
    if (step.has_traffic()) needed = std::max(needed, step.traffic().nodes());
  }
  return needed;
}

// The run's length, the planet and the chores' timing for this seed; returns the description's
// opening and sets `duration` to the drawn length.
std::string DrawConfig(Scenario& spec, RandomStream random, Duration& duration) {
  duration = Seconds(random, duration, duration * 3 / 2);
  spec.set_duration(FormatDuration(duration));
  PlanetSpec& planet = *spec.mutable_planet();
  const int low = std::max(2, NodesNeeded(spec));
  const int nodes =
      low + static_cast<int>(random.Below(static_cast<std::uint64_t>(9 - std::min(low, 8))));
  planet.set_storage_nodes(nodes);
  if (random.Bernoulli(0.2)) planet.set_preset("release");
  NodeConfig& node = *planet.mutable_storage_node();
  node.set_sender_interval(FormatDuration(Seconds(random, minutes(1), minutes(30))));
  node.set_cleanup_interval(FormatDuration(Seconds(random, minutes(1), minutes(20))));
  // Short enough that cleanup deletes and limits expire within the run.
  node.set_archive_ttl(FormatDuration(Seconds(random, minutes(5), duration / 2)));
  planet.mutable_satellite()->set_order_expiration(
      FormatDuration(Seconds(random, minutes(30), duration * 2)));
  return "config: " + spec.duration() + ", " + std::to_string(nodes) + " nodes, " +
         (planet.preset() == "release" ? "release" : "testplanet") + " preset, sender " +
         node.sender_interval() + ", cleanup " + node.cleanup_interval() + ", archive TTL " +
         node.archive_ttl() + ", order expiration " + planet.satellite().order_expiration();
}

PeerCounts CountsOf(const PlanetSpec& planet) {
  return {planet.satellites(), planet.storage_nodes(), planet.uplinks()};
}

}  // namespace

SwarmScenario Swarm(const Plan& base, std::uint64_t seed) {
  const Random random(seed);
  SwarmScenario out{base.spec, ""};
  Duration duration = base.duration;
  out.description = DrawConfig(out.spec, random.Stream("swarm/config"), duration);
  // A check at the base run's end (where the loader puts one without `at`) stays at the end: at
  // the base's end it could meet a satellite the seed stopped, since the quiesce moved later.
  for (Check& check : *out.spec.mutable_check()) {
    auto at = ParseDuration(check.at());
    if (at.ok() && *at == base.duration) check.set_at(out.spec.duration());
  }
  const Duration quiesce = base.quiesce.value_or(duration * 3 / 4);
  const PeerCounts counts = CountsOf(out.spec.planet());
  for (const StepKind* kind : Actions().steps()) {
    SwarmDraw draw(out.spec, counts, duration, quiesce,
                   random.Stream("swarm/" + std::string(kind->info().field)), out.description);
    kind->Draw(draw);
  }
  if (!out.spec.has_quiesce()) out.spec.mutable_quiesce()->set_at(FormatDuration(quiesce));
  out.spec.set_unfired_faults_ok(true);
  return out;
}

bool SwarmDraws(const StepKind& kind) {
  Scenario sample;
  sample.mutable_planet()->set_satellites(1);
  sample.mutable_planet()->set_storage_nodes(4);
  sample.mutable_planet()->set_uplinks(1);
  const Duration duration = std::chrono::hours(4);
  for (std::uint64_t seed = 1; seed <= 64; ++seed) {
    Scenario spec = sample;
    std::string said;
    SwarmDraw draw(spec, {1, 4, 1}, duration, duration * 3 / 4,
                   Random(seed).Stream("swarm/" + std::string(kind.info().field)), said);
    kind.Draw(draw);
    if (spec.step_size() > 0) return true;
  }
  return false;
}

std::string ScenarioFileText(const Scenario& spec, const std::string& header) {
  std::string text;
  google::protobuf::TextFormat::Printer printer;
  printer.PrintToString(spec, &text);
  std::string out;
  std::istringstream lines(header);
  for (std::string line; std::getline(lines, line);) out += "# " + line + "\n";
  return out + text;
}

}  // namespace testplanet::scenario
