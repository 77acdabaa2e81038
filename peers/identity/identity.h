// Node identities: Ed25519 key pairs (libsodium) and the node IDs derived from them.
//
// A node ID is the BLAKE2b-256 hash of the node's public key, so anyone holding the key can check
// an ID, and an ID cannot be claimed without the key. Keys derive from the run's seed (a named
// RandomStream), so every run with the same seed has the same identities and signatures:
// Ed25519 signing is deterministic.
#ifndef TESTPLANET_PEERS_IDENTITY_IDENTITY_H_
#define TESTPLANET_PEERS_IDENTITY_IDENTITY_H_

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/random.h"
#include "sim/status.h"

namespace testplanet {

inline constexpr std::size_t kNodeIdSize = 32;
inline constexpr std::size_t kPublicKeySize = 32;
inline constexpr std::size_t kSignatureSize = 64;

// Lower-case hex of `bytes` (serial numbers, IDs), for messages.
std::string HexOf(std::string_view bytes);

class NodeId {
 public:
  NodeId() = default;  // all zeros: "no node"
  explicit NodeId(const std::array<std::uint8_t, kNodeIdSize>& bytes) : bytes_(bytes) {}

  // Parses 32 raw bytes (as carried in protobuf `bytes` fields).
  static StatusOr<NodeId> FromBytes(std::string_view bytes);
  // The ID of the node whose Ed25519 public key is `public_key`.
  static NodeId FromPublicKey(std::string_view public_key);

  std::string_view bytes() const {
    return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
  }
  bool IsZero() const;
  // Lower-case hex of all 32 bytes.
  std::string Hex() const;
  // The first 8 hex digits, for logs.
  std::string Short() const { return Hex().substr(0, 8); }

  friend auto operator<=>(const NodeId&, const NodeId&) = default;

 private:
  std::array<std::uint8_t, kNodeIdSize> bytes_{};
};

// Public facts about a peer: who it is and how to check its signatures.
struct PeerIdentity {
  NodeId id;
  std::string public_key;  // 32 raw bytes
};

class Identity {
 public:
  // Derives a key pair from 32 bytes drawn from `stream`.
  static Identity FromStream(RandomStream& stream);

  const NodeId& id() const { return public_identity_.id; }
  const std::string& public_key() const { return public_identity_.public_key; }
  const PeerIdentity& peer() const { return public_identity_; }

  // Returns the 64-byte Ed25519 signature of `message`.
  std::string Sign(std::string_view message) const;

  // Returns true iff `signature` is a valid signature of `message` by `public_key`. A triple
  // that verified before, or that an Identity here signed, is recognised rather than verified
  // again (signature_memo.h).
  static bool Verify(std::string_view public_key, std::string_view message,
                     std::string_view signature);

 private:
  PeerIdentity public_identity_;
  std::array<std::uint8_t, 64> secret_key_{};
};

}  // namespace testplanet

#endif  // TESTPLANET_PEERS_IDENTITY_IDENTITY_H_
