// The storage node's orders configuration, with Storj's release defaults and the testplanet
// preset (storj-notes.md §2.1, §4.2).
#ifndef TESTPLANET_PEERS_STORAGENODE_ORDERS_CONFIG_H_
#define TESTPLANET_PEERS_STORAGENODE_ORDERS_CONFIG_H_

#include <chrono>

#include "sim/clock.h"

namespace testplanet::storagenode {

struct OrdersConfig {
  Duration sender_interval = std::chrono::hours(1);        // how often unsent orders are sent
  Duration sender_timeout = std::chrono::hours(1);         // for one whole send, all satellites
  Duration sender_dial_timeout = std::chrono::minutes(1);  // for dialing one satellite
  Duration cleanup_interval = std::chrono::minutes(5);     // how often the archive is cleaned
  Duration archive_ttl = std::chrono::hours(168);          // how long archived orders are kept
  Duration max_sleep = std::chrono::seconds(30);           // start jitter of each chore run

  // Storj's release values (the defaults above).
  static OrdersConfig Release() { return OrdersConfig{}; }
  // Storj testplanet's values: everything every 15s, no jitter.
  static OrdersConfig Testplanet() {
    using namespace std::chrono_literals;
    return OrdersConfig{15s, 10min, 1min, 15s, 1h, 0s};
  }
};

}  // namespace testplanet::storagenode

#endif  // TESTPLANET_PEERS_STORAGENODE_ORDERS_CONFIG_H_
