#include "scenarios/language/plan.h"

namespace testplanet::scenario {

void NodeSettings::ApplyTo(storagenode::Config& config) const {
  storagenode::OrdersConfig& orders = config.orders;
  if (sender_interval) orders.sender_interval = *sender_interval;
  if (sender_timeout) orders.sender_timeout = *sender_timeout;
  if (sender_dial_timeout) orders.sender_dial_timeout = *sender_dial_timeout;
  if (cleanup_interval) orders.cleanup_interval = *cleanup_interval;
  if (archive_ttl) orders.archive_ttl = *archive_ttl;
  if (max_sleep) orders.max_sleep = *max_sleep;
  if (contact_interval) config.contact_interval = *contact_interval;
}

Config PlanetPlan::ToConfig(std::uint64_t seed) const {
  Config config;
  config.satellites = counts.satellites;
  config.storage_nodes = counts.storage_nodes;
  config.uplinks = counts.uplinks;
  config.seed = seed;
  config.storage = storage;
  config.network = network;
  config.flush_bytes = flush_bytes;
  config.start_spread = start_spread;
  config.reconfigure_satellite = [expiration = order_expiration, release = release_preset,
                                  wait = check_in_wait_period](int, satellite::Config& sat) {
    sat.orders.expiration = expiration;
    // Storj's production satellite picks upload nodes from a snapshot at most 3 minutes old.
    if (release) sat.orders.selection_staleness = std::chrono::minutes(3);
    // ... and writes an hourly check-in that changes nothing every other hour.
    if (release) sat.overlay.check_in_wait_period = std::chrono::minutes(70);
    if (wait) sat.overlay.check_in_wait_period = *wait;
  };
  config.reconfigure_storage_node = [this](int index, storagenode::Config& node) {
    if (release_preset) {
      node.orders = storagenode::OrdersConfig::Release();
      node.contact_interval = std::chrono::hours(1);
    }
    every_node.ApplyTo(node);
    for (const auto& [peers, settings] : overrides) {
      for (const PeerRef& peer : peers) {
        if (peer.index == index) settings.ApplyTo(node);
      }
    }
  };
  return config;
}

std::string Plan::StepWhere(int i) const {
  return path + ":" + std::to_string(steps.at(static_cast<std::size_t>(i)).location.line);
}

std::string Plan::CheckWhere(int i) const {
  return path + ":" + std::to_string(checks.at(static_cast<std::size_t>(i)).location.line);
}

}  // namespace testplanet::scenario
