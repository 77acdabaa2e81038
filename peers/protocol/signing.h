// Signing and verifying order limits and orders.
//
// A signature covers the message's deterministic protobuf serialization with its signature field
// empty, so the verifier can rebuild exactly the signed bytes from what it received.
#ifndef TESTPLANET_PEERS_PROTOCOL_SIGNING_H_
#define TESTPLANET_PEERS_PROTOCOL_SIGNING_H_

#include <string>
#include <string_view>

#include "peers/identity/identity.h"
#include "peers/protocol/orders.pb.h"

namespace testplanet {

// Returns the deterministic serialization of `message` (stable field order, no map reordering).
std::string DeterministicBytes(const google::protobuf::MessageLite& message);

// Sets limit.satellite_signature to the satellite's signature over the rest of `limit`.
void SignOrderLimit(const Identity& satellite, pb::OrderLimit& limit);
// Returns true iff limit.satellite_signature is `satellite_public_key`'s signature of it.
bool VerifyOrderLimitSignature(std::string_view satellite_public_key, const pb::OrderLimit& limit);

// Sets order.uplink_signature to the uplink's signature over the rest of `order`.
void SignOrder(const Identity& uplink, pb::Order& order);
// Returns true iff order.uplink_signature is `uplink_public_key`'s signature of it.
bool VerifyOrderSignature(std::string_view uplink_public_key, const pb::Order& order);

}  // namespace testplanet

#endif  // TESTPLANET_PEERS_PROTOCOL_SIGNING_H_
