// The storage node's orders configuration, with Storj's release defaults and the testplanet
// preset (storj-notes.md §2.1, §4.2).
#ifndef TESTPLANET_PEERS_STORAGENODE_ORDERS_CONFIG_H_
#define TESTPLANET_PEERS_STORAGENODE_ORDERS_CONFIG_H_

#include <chrono>
#include <string_view>

#include "sim/clock.h"

namespace testplanet::storagenode {

// Bugs planted on purpose, to prove that sweeps and shrinking find real ones. The code that acts
// on them exists only in builds configured with -DTESTPLANET_PLANTED_BUGS=ON (the dev preset);
// elsewhere PlantedBugsBuiltIn() is false and a planted bug cannot be chosen.
enum class PlantedBug {
  kNone,
  // The sender archives every order it sent as ACCEPTED when a settlement fails part-way,
  // before (or without) the satellite's answer.
  kArchiveBeforeAnswer,
  // A start-up "recovery" puts every archived order back in the unsent queue, so that a
  // restarted node sends them again.
  kResendArchivedAfterRestart,
};
constexpr bool PlantedBugsBuiltIn() {
#ifdef TESTPLANET_PLANTED_BUGS
  return true;
#else
  return false;
#endif
}
// "archive-before-answer", "resend-archived-after-restart"; false for an unknown name.
inline bool ParsePlantedBug(std::string_view name, PlantedBug& bug) {
  if (name == "archive-before-answer") {
    bug = PlantedBug::kArchiveBeforeAnswer;
  } else if (name == "resend-archived-after-restart") {
    bug = PlantedBug::kResendArchivedAfterRestart;
  } else if (name.empty() || name == "none") {
    bug = PlantedBug::kNone;
  } else {
    return false;
  }
  return true;
}

struct OrdersConfig {
  Duration sender_interval = std::chrono::hours(1);        // how often unsent orders are sent
  Duration sender_timeout = std::chrono::hours(1);         // for one whole send, all satellites
  Duration sender_dial_timeout = std::chrono::minutes(1);  // for dialing one satellite
  Duration cleanup_interval = std::chrono::minutes(5);     // how often the archive is cleaned
  Duration archive_ttl = std::chrono::hours(168);          // how long archived orders are kept
  Duration max_sleep = std::chrono::seconds(30);           // start jitter of each chore run
  PlantedBug planted_bug = PlantedBug::kNone;               // see PlantedBug

  // Storj's release values (the defaults above).
  static OrdersConfig Release() { return OrdersConfig{}; }
  // Storj testplanet's values: everything every 15s, no jitter.
  static OrdersConfig Testplanet() {
    using namespace std::chrono_literals;
    return OrdersConfig{15s, 10min, 1min, 15s, 1h, 0s, PlantedBug::kNone};
  }
};

}  // namespace testplanet::storagenode

#endif  // TESTPLANET_PEERS_STORAGENODE_ORDERS_CONFIG_H_
