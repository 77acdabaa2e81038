// ContactChore: the storage node checks in with every trusted satellite, every interval, so
// that the satellite's overlay knows where it listens. Failures are logged; the chore goes on.
#ifndef TESTPLANET_PEERS_STORAGENODE_CONTACT_H_
#define TESTPLANET_PEERS_STORAGENODE_CONTACT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "peers/rpc/transport.h"
#include "peers/storagenode/trust.h"
#include "sim/cycle.h"
#include "sim/simulator.h"

namespace testplanet::storagenode {

// The chore's name, as the trace and scenarios know it.
inline constexpr std::string_view kContactChore = "contact.chore";

class ContactChore {
 public:
  ContactChore(Simulator& sim, PeerId peer, Duration interval, rpc::Address self_address,
               rpc::Dialer& dialer, TrustSource& trust, Duration dial_timeout);

  Cycle& cycle() { return cycle_; }
  Awaitable<Status> Run(Context ctx);
  Status Close() {
    cycle_.Stop();
    return Status::Ok();
  }

  // Checks in with every trusted satellite, one after another.
  Awaitable<void> CheckInAll(Context ctx);
  // Checks in with one satellite.
  Awaitable<Status> CheckIn(Context ctx, const TrustedSatellite& satellite);

  std::uint64_t check_ins() const { return check_ins_; }
  std::uint64_t failures() const { return failures_; }

 private:
  Simulator* sim_;
  PeerId peer_;
  // The CheckInRequest's bytes: the address never changes, and the chore sends them to every
  // satellite every interval.
  std::string check_in_request_;
  rpc::Dialer* dialer_;
  TrustSource* trust_;
  Duration dial_timeout_;
  Cycle cycle_;
  std::uint64_t check_ins_ = 0;
  std::uint64_t failures_ = 0;
};

}  // namespace testplanet::storagenode

#endif  // TESTPLANET_PEERS_STORAGENODE_CONTACT_H_
