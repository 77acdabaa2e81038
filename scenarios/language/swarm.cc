#include "scenarios/language/swarm.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

#include "sim/random.h"

namespace testplanet::scenario {
namespace {

std::string Probability(double p) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3f", p);
  return text;
}

class Mixer {
 public:
  Mixer(const LoadedScenario& base, std::uint64_t seed)
      : spec_(base.spec),
        random_(Random(seed).Stream("swarm")),
        duration_(base.duration),
        quiesce_(base.spec.has_quiesce() ? ParseDuration(base.spec.quiesce().at()).value()
                                         : base.duration * 3 / 4) {}

  SwarmScenario Mix() {
    const int nodes = spec_.planet().storage_nodes();
    // Each class of fault is on or off for this seed, then drawn.
    if (On()) {
      const std::string peers = NodeRange(nodes);
      const double drop = random_.NextDouble() * 0.1;
      const double duplicate = random_.NextDouble() * 0.1;
      const double reorder = random_.NextDouble() * 0.3;
      Step& step = Add(Time());
      MessageFaults& m = *step.mutable_messages();
      m.set_peer(peers);
      m.set_drop(Round(drop));
      m.set_duplicate(Round(duplicate));
      m.set_reorder(Round(reorder));
      Say("messages on " + peers + ": drop " + Probability(m.drop()) + " duplicate " +
          Probability(m.duplicate()) + " reorder " + Probability(m.reorder()));
    }
    if (On()) {
      const auto [from, to] = Window();
      const std::string peers = NodeRange(nodes);
      Partition& p = *Add(from).mutable_partition();
      p.set_a(peers);
      p.set_b("satellite*");
      Partition& h = *Add(to).mutable_heal();
      h = p;
      Say("partition " + peers + " from the satellites " + FormatDuration(from) + ".." +
          FormatDuration(to));
    }
    if (On()) {
      const auto [from, to] = Window();
      const std::string node = "storagenode" + std::to_string(random_.Below(nodes));
      const bool outbound = random_.Bernoulli(0.5);
      Partition& p = *Add(from).mutable_one_way();
      p.set_a(outbound ? node : "satellite0");
      p.set_b(outbound ? "satellite0" : node);
      *Add(to).mutable_heal_one_way() = p;
      Say("one-way " + p.a() + " -> " + p.b() + " " + FormatDuration(from) + ".." +
          FormatDuration(to));
    }
    if (On()) {
      const Duration at = Time();
      const Duration length = std::chrono::duration_cast<std::chrono::seconds>(
          Between(std::chrono::minutes(1), std::chrono::hours(1)));
      Clog& c = *Add(at).mutable_clog();
      c.set_a("storagenode" + std::to_string(random_.Below(nodes)));
      c.set_b("satellite0");
      c.set_duration(FormatDuration(length));
      Say("clog " + c.a() + " " + c.b() + " at " + FormatDuration(at) + " for " + c.duration());
    }
    if (On()) {
      const auto [from, to] = Window();
      const std::string node = "storagenode" + std::to_string(random_.Below(nodes));
      Add(from).mutable_hold()->set_peer(node);
      Add(to).mutable_release()->set_peer(node);
      Say("hold " + node + " " + FormatDuration(from) + ".." + FormatDuration(to));
    }
    if (On()) {
      DialFailure& d = *Add(Time()).mutable_dial_failure();
      d.set_peer("satellite0");
      d.set_probability(Round(random_.NextDouble() * 0.5));
      Say("dial failures to satellite0 " + Probability(d.probability()));
    }
    if (On()) {
      const int crashes = 1 + static_cast<int>(random_.Below(3));
      for (int i = 0; i < crashes; ++i) {
        const auto [from, to] = Window();
        const bool satellite = random_.Bernoulli(0.25);
        const bool graceful = random_.Bernoulli(1.0 / 3);
        const std::string peer =
            satellite ? "satellite0" : "storagenode" + std::to_string(random_.Below(nodes));
        Step& drop = Add(from);
        (graceful ? drop.mutable_stop() : drop.mutable_crash())->set_peer(peer);
        Add(to).mutable_restart()->set_peer(peer);
        Say(std::string(graceful ? "stop " : "crash ") + peer + " " + FormatDuration(from) +
            ", restart " + FormatDuration(to));
      }
    }
    if (On()) {
      ClockSkew& c = *Add(Time()).mutable_clock();
      c.set_peer("storagenode" + std::to_string(random_.Below(nodes)));
      const auto offset = static_cast<std::int64_t>(random_.Below(20 * 60)) - 10 * 60;
      c.set_offset(FormatDuration(std::chrono::seconds(offset)));
      c.set_drift_ppm(static_cast<std::int64_t>(random_.Below(401)) - 200);
      Say("clock " + c.peer() + " offset " + c.offset() + " drift " +
          std::to_string(c.drift_ppm()) + "ppm");
    }
    if (On()) {
      DiskFaults& d = *Add(Time()).mutable_disk();
      d.set_peer(NodeRange(nodes));
      d.set_write(Round(random_.NextDouble() * 0.02));
      d.set_sync(Round(random_.NextDouble() * 0.02));
      d.set_read(Round(random_.NextDouble() * 0.02));
      Say("disk errors on " + d.peer() + ": write " + Probability(d.write()) + " sync " +
          Probability(d.sync()) + " read " + Probability(d.read()));
    }
    if (!spec_.has_quiesce()) spec_.mutable_quiesce()->set_at(FormatDuration(quiesce_));
    spec_.set_unfired_faults_ok(true);
    if (description_.empty()) description_ = "no faults";
    return SwarmScenario{std::move(spec_), std::move(description_)};
  }

 private:
  bool On() { return random_.Bernoulli(0.5); }
  // Rates are kept to three decimals, so that the printed mix is the mix that runs.
  static double Round(double p) { return static_cast<double>(static_cast<int>(p * 1000)) / 1000; }
  Duration Between(Duration low, Duration high) { return random_.UniformDuration(low, high); }
  // A time in the faulty part of the run, whole seconds.
  Duration Time() {
    const Duration t = Between(duration_ / 20, quiesce_ - std::chrono::seconds(1));
    return std::chrono::duration_cast<std::chrono::seconds>(t);
  }
  // A stretch of at least 10 minutes in the faulty part of the run (when it is that long).
  std::pair<Duration, Duration> Window() {
    Duration a = Time(), b = Time();
    if (b < a) std::swap(a, b);
    const Duration shortest = std::chrono::minutes(10);
    if (b - a < shortest) b = std::min(a + shortest, quiesce_ - std::chrono::seconds(1));
    if (b <= a) b = a + std::chrono::seconds(1);
    return {a, b};
  }
  // A random inclusive range of storage nodes.
  std::string NodeRange(int nodes) {
    int a = static_cast<int>(random_.Below(static_cast<std::uint64_t>(nodes)));
    int b = static_cast<int>(random_.Below(static_cast<std::uint64_t>(nodes)));
    if (b < a) std::swap(a, b);
    return "storagenode[" + std::to_string(a) + ".." + std::to_string(b) + "]";
  }
  Step& Add(Duration at) {
    Step& step = *spec_.add_step();
    step.set_at(FormatDuration(at));
    return step;
  }
  void Say(const std::string& what) {
    if (!description_.empty()) description_ += "; ";
    description_ += what;
  }

  Scenario spec_;
  RandomStream random_;
  Duration duration_;
  Duration quiesce_;
  std::string description_;
};

}  // namespace

SwarmScenario Swarm(const LoadedScenario& base, std::uint64_t seed) {
  return Mixer(base, seed).Mix();
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
