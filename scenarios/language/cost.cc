#include "scenarios/language/cost.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <vector>

#include "sim/checked_math.h"

namespace testplanet::scenario {
namespace {

// Measured on the examples (release build): a chore tick fires a few events and a piece
// transfer a dozen per node; each event leaves about two trace records, kept coded in about 14
// bytes each (sim/record_log.h), and `--trace chores` keeps about a fifth of them (the network
// scenario: 600 k of 3.3 M); a peer with its stores holds about 170 KiB. The constants round up.
constexpr std::uint64_t kEventsPerPeer = 32;
constexpr std::uint64_t kEventsPerTick = 8;
constexpr std::uint64_t kBytesPerEvent = 32;
constexpr std::uint64_t kBytesPerEventChores = 8;
constexpr std::uint64_t kBytesPerPeer = 256 << 10;
// Stored bytes cost time too: RocksDB compresses, flushes, compacts and reads them back. A KiB
// took about as long as 30 events (release build, 64 MiB objects: RocksDB decompresses them
// again and again; issue 13).
constexpr std::uint64_t kEventsPerKiB = 32;

// A node's chore intervals, as the planet will configure it.
struct NodeIntervals {
  Duration sender, cleanup, contact;
  void Apply(const NodeSettings& settings) {
    sender = settings.sender_interval.value_or(sender);
    cleanup = settings.cleanup_interval.value_or(cleanup);
    contact = settings.contact_interval.value_or(contact);
  }
};

std::uint64_t Ticks(Duration length, Duration interval) {
  if (interval <= Duration::zero()) return 1;
  return static_cast<std::uint64_t>(length / interval) + 1;
}

// Chore ticks of every storage node until `end`, overrides applied in file order.
std::uint64_t ChoreTicks(const Plan& plan, Duration end) {
  storagenode::Config defaults = storagenode::Config::Testplanet();
  if (plan.planet.release_preset) {
    defaults.orders = storagenode::OrdersConfig::Release();
    defaults.contact_interval = std::chrono::hours(1);
  }
  NodeIntervals every{defaults.orders.sender_interval, defaults.orders.cleanup_interval,
                      defaults.contact_interval};
  every.Apply(plan.planet.every_node);
  std::vector<NodeIntervals> nodes(
      static_cast<std::size_t>(std::max(0, plan.planet.counts.storage_nodes)), every);
  for (const auto& [peers, settings] : plan.planet.overrides) {
    for (const PeerRef& peer : peers) {
      if (peer.index >= 0 && static_cast<std::size_t>(peer.index) < nodes.size()) {
        nodes[static_cast<std::size_t>(peer.index)].Apply(settings);
      }
    }
  }
  std::uint64_t ticks = 0;
  for (const NodeIntervals& node : nodes) {
    ticks = SaturatingAdd(ticks, Ticks(end, node.sender));
    ticks = SaturatingAdd(ticks, Ticks(end, node.cleanup));
    ticks = SaturatingAdd(ticks, Ticks(end, node.contact));
  }
  return ticks;
}

// "9.2GiB": an estimate's size, rounded for people (FormatBytes is exact, for flags).
std::string RoundedBytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 6) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), unit == 0 ? "%.0f %s" : "%.1f%s", value, kUnits[unit]);
  return text;
}

std::string Over(std::uint64_t cost, std::uint64_t budget) {
  return std::to_string(cost) + " events, more than the budget of " + std::to_string(budget);
}

}  // namespace

Cost EstimateCost(const Plan& plan, const RunShape& shape) {
  const Duration end = shape.stop_at ? std::min(*shape.stop_at, plan.duration) : plan.duration;
  Cost cost;
  const PeerCounts& c = plan.planet.counts;
  cost.peers = static_cast<std::uint64_t>(std::max(0, c.satellites)) +
               static_cast<std::uint64_t>(std::max(0, c.storage_nodes)) +
               static_cast<std::uint64_t>(std::max(0, c.uplinks));
  cost.events = SaturatingAdd(SaturatingMul(cost.peers, kEventsPerPeer),
                              SaturatingMul(ChoreTicks(plan, end), kEventsPerTick));
  cost.most_events = cost.most_memory = "the planet (" + std::to_string(cost.peers) + " peers)";
  std::uint64_t stored = 0, most_events = cost.events, most_bytes = 0;
  for (const PlannedStep& step : plan.steps) {
    if (!step.on && step.at > end) continue;  // the run stops first
    const StepCost add = step.action->Cost(end);
    const std::uint64_t events =
        SaturatingAdd(add.events, SaturatingMul(add.bytes >> 10, kEventsPerKiB));
    cost.events = SaturatingAdd(cost.events, events);
    stored = SaturatingAdd(stored, add.bytes);
    if (events > most_events) {
      most_events = events;
      cost.most_events = plan.StepWhere(step.index);
    }
    if (add.bytes > most_bytes) {
      most_bytes = add.bytes;
      cost.most_memory = plan.StepWhere(step.index);
    }
  }
  cost.memory_bytes = SaturatingAdd(
      SaturatingMul(cost.peers, kBytesPerPeer),
      SaturatingAdd(stored, SaturatingMul(cost.events, shape.trace_level == TraceLevel::kAll
                                                           ? kBytesPerEvent
                                                           : kBytesPerEventChores)));
  return cost;
}

Status CheckBudget(const Plan& plan, const Budget& budget, const RunShape& shape) {
  const Cost cost = EstimateCost(plan, shape);
  if (cost.events > budget.events) {
    return InvalidArgumentError(plan.path + ": the run would fire about " +
                                Over(cost.events, budget.events) + " (most from " +
                                cost.most_events + "); raise it with --max-events");
  }
  if (cost.memory_bytes > budget.memory_bytes) {
    return InvalidArgumentError(plan.path + ": the run would hold about " +
                                RoundedBytes(cost.memory_bytes) + " of memory, more than the " +
                                "budget of " + FormatBytes(budget.memory_bytes) + " (most from " +
                                cost.most_memory + "); raise it with --max-memory");
  }
  return Status::Ok();
}

std::string FormatBytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024 || bytes % 1024 != 0) return std::to_string(bytes);
  int unit = 0;
  bytes /= 1024;
  while (bytes % 1024 == 0 && bytes >= 1024 && unit < 5) {
    bytes /= 1024;
    ++unit;
  }
  return std::to_string(bytes) + kUnits[unit];
}

StatusOr<std::uint64_t> ParseBytes(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  const std::string unit = text.substr(digits);
  int shift = -1;
  if (unit.empty()) shift = 0;
  if (unit == "KiB") shift = 10;
  if (unit == "MiB") shift = 20;
  if (unit == "GiB") shift = 30;
  if (unit == "TiB") shift = 40;
  if (digits == 0 || digits > 19 || shift < 0) {
    return InvalidArgumentError("expected a byte count such as 512MiB, 8GiB or 1048576, got \"" +
                                text + "\"");
  }
  const std::uint64_t number = std::stoull(text.substr(0, digits));
  std::uint64_t bytes = 0;
  if (!CheckedMul(number, std::uint64_t{1} << shift, bytes)) {
    return InvalidArgumentError("\"" + text + "\" is more bytes than 2^64");
  }
  return bytes;
}

}  // namespace testplanet::scenario
