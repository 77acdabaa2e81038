#include "scenarios/language/swarm_draw.h"

#include <algorithm>
#include <chrono>

#include "scenarios/language/selector.h"
#include "scenarios/planet/planet.h"

namespace testplanet::scenario {

SwarmDraw::SwarmDraw(Scenario& spec, const PeerCounts& counts, Duration duration, Duration quiesce,
                     RandomStream random, std::string& description)
    : spec_(&spec),
      counts_(counts),
      duration_(duration),
      quiesce_(quiesce),
      random_(random),
      description_(&description) {}

bool SwarmDraw::exact_chores() const {
  const auto& max_sleep = spec_->planet().storage_node().max_sleep();
  if (!max_sleep.empty()) {
    auto parsed = ParseDuration(max_sleep);
    return parsed.ok() && *parsed == Duration::zero();
  }
  return spec_->planet().preset() != "release";
}

Duration SwarmDraw::Time() {
  const Duration t = random_.UniformDuration(duration_ / 20, quiesce_ - std::chrono::seconds(1));
  return std::chrono::duration_cast<std::chrono::seconds>(t);
}

std::pair<Duration, Duration> SwarmDraw::Window() {
  Duration a = Time(), b = Time();
  if (b < a) std::swap(a, b);
  const Duration shortest = std::chrono::minutes(10);
  if (b - a < shortest) b = std::min(a + shortest, quiesce_ - std::chrono::seconds(1));
  if (b <= a) b = a + std::chrono::seconds(1);
  return {a, b};
}

PeerRef SwarmDraw::Node() {
  return PeerRef::StorageNode(
      static_cast<int>(random_.Below(static_cast<std::uint64_t>(counts_.storage_nodes))));
}

PeerRef SwarmDraw::Satellite() {
  return PeerRef::Satellite(
      static_cast<int>(random_.Below(static_cast<std::uint64_t>(counts_.satellites))));
}

int SwarmDraw::Uplink() {
  return static_cast<int>(random_.Below(static_cast<std::uint64_t>(counts_.uplinks)));
}

std::string SwarmDraw::NodeRange() {
  const auto nodes = static_cast<std::uint64_t>(counts_.storage_nodes);
  int a = static_cast<int>(random_.Below(nodes));
  int b = static_cast<int>(random_.Below(nodes));
  if (b < a) std::swap(a, b);
  return RangeSelector(PeerKind::kStorageNode, a, b);
}

std::string SwarmDraw::Chore(PeerKind kind) {
  const auto& names = Planet::ChoreNames(kind);
  if (names.empty()) return "";
  return std::string(names[random_.Below(names.size())]);
}

double SwarmDraw::Probability(double high) {
  const double p = random_.NextDouble() * high;
  return static_cast<double>(static_cast<int>(p * 1000)) / 1000;
}

Step& SwarmDraw::Add(Duration at) {
  Step& step = *spec_->add_step();
  step.set_at(FormatDuration(at));
  return step;
}

Step& SwarmDraw::AddOn(std::string_view event, const std::string& peer, std::uint64_t count,
                       std::string_view chore) {
  Step& step = *spec_->add_step();
  EventTrigger& on = *step.mutable_on();
  on.set_event(std::string(event));
  on.set_peer(peer);
  on.set_count(count);
  if (!chore.empty()) on.set_chore(std::string(chore));
  return step;
}

void SwarmDraw::Say(const std::string& what) {
  if (!description_->empty()) *description_ += "; ";
  *description_ += what;
}

}  // namespace testplanet::scenario
