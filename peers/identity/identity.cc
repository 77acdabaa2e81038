#include "peers/identity/identity.h"

#include <sodium.h>

#include <algorithm>

#include "peers/identity/signature_memo.h"
#include "peers/work.h"

namespace testplanet {
namespace {

// libsodium must be initialized once before use; the call is idempotent. We use no randomness
// from it: keys come from the run's seed and Ed25519 signatures are deterministic.
void EnsureSodium() {
  static const bool initialized = sodium_init() >= 0;
  (void)initialized;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

StatusOr<NodeId> NodeId::FromBytes(std::string_view bytes) {
  if (bytes.size() != kNodeIdSize) {
    return InvalidArgumentError("node ID must be 32 bytes, got " + std::to_string(bytes.size()));
  }
  std::array<std::uint8_t, kNodeIdSize> raw{};
  std::copy(bytes.begin(), bytes.end(), raw.begin());
  return NodeId(raw);
}

NodeId NodeId::FromPublicKey(std::string_view public_key) {
  EnsureSodium();
  std::array<std::uint8_t, kNodeIdSize> raw{};
  crypto_generichash(raw.data(), raw.size(), Bytes(public_key), public_key.size(), nullptr, 0);
  return NodeId(raw);
}

bool NodeId::IsZero() const {
  return std::all_of(bytes_.begin(), bytes_.end(), [](std::uint8_t b) { return b == 0; });
}

std::string HexOf(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string NodeId::Hex() const { return HexOf(bytes()); }

Identity Identity::FromStream(RandomStream& stream) {
  EnsureSodium();
  std::array<std::uint8_t, crypto_sign_SEEDBYTES> seed{};
  for (std::size_t i = 0; i < seed.size(); i += 8) {
    std::uint64_t word = stream.Next();
    for (std::size_t j = 0; j < 8; ++j) seed[i + j] = static_cast<std::uint8_t>(word >> (8 * j));
  }
  Identity identity;
  std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> public_key{};
  crypto_sign_seed_keypair(public_key.data(), identity.secret_key_.data(), seed.data());
  identity.public_identity_.public_key.assign(public_key.begin(), public_key.end());
  identity.public_identity_.id = NodeId::FromPublicKey(identity.public_identity_.public_key);
  sodium_memzero(seed.data(), seed.size());
  return identity;
}

std::string Identity::Sign(std::string_view message) const {
  ++ProcessWork().signatures;
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr, Bytes(message),
                       message.size(), secret_key_.data());
  // libsodium's secret key ends with the public key it signs as: the pair's own, whatever
  // public_identity_ says.
  const std::string_view signer(
      reinterpret_cast<const char*>(secret_key_.data()) + crypto_sign_SEEDBYTES,
      crypto_sign_PUBLICKEYBYTES);
  SignatureMemo::Process().RememberSigned(signer, message, signature);
  return signature;
}

bool Identity::Verify(std::string_view public_key, std::string_view message,
                      std::string_view signature) {
  EnsureSodium();
  return SignatureMemo::Process().Verify(public_key, message, signature);
}

}  // namespace testplanet
