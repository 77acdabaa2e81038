#include "peers/identity/signature_memo.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "peers/work.h"

namespace testplanet {
namespace {

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

SignatureMemo& SignatureMemo::Process() {
  static SignatureMemo memo;
  return memo;
}

SignatureMemo::Digest SignatureMemo::DigestOf(std::string_view public_key, std::string_view message,
                                              std::string_view signature) {
  Digest digest;
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, digest.size());
  crypto_generichash_update(&state, Bytes(public_key), public_key.size());
  crypto_generichash_update(&state, Bytes(signature), signature.size());
  crypto_generichash_update(&state, Bytes(message), message.size());
  crypto_generichash_final(&state, digest.data(), digest.size());
  return digest;
}

SignatureMemo::Digest* SignatureMemo::SetOf(const Digest& digest) {
  if (slots_ == nullptr) slots_ = std::make_unique<Digest[]>(kSlots);
  std::uint64_t index = 0;
  std::memcpy(&index, digest.data(), sizeof(index));
  return &slots_[(index & (kSlots - 1)) & ~std::uint64_t{1}];
}

void SignatureMemo::Remember(Digest* set, const Digest& digest) {
  // An all-zero digest would match an empty slot: never remembered (it does not happen).
  if (digest == Digest{} || set[0] == digest) return;
  set[1] = set[0];  // the older of the two goes
  set[0] = digest;
}

bool SignatureMemo::Verify(std::string_view public_key, std::string_view message,
                           std::string_view signature) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) {
    return false;
  }
  const Digest digest = DigestOf(public_key, message, signature);
  Digest* set = SetOf(digest);
  if (digest != Digest{} && (set[0] == digest || set[1] == digest)) {
    ++ProcessWork().verifications_remembered;
    return true;
  }
  ++ProcessWork().verifications;
  const bool valid = crypto_sign_verify_detached(Bytes(signature), Bytes(message), message.size(),
                                                 Bytes(public_key)) == 0;
  if (valid) Remember(set, digest);
  return valid;
}

void SignatureMemo::RememberSigned(std::string_view public_key, std::string_view message,
                                   std::string_view signature) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) {
    return;
  }
  const Digest digest = DigestOf(public_key, message, signature);
  Remember(SetOf(digest), digest);
}

void SignatureMemo::Clear() {
  if (slots_ != nullptr) std::fill_n(slots_.get(), kSlots, Digest{});
}

}  // namespace testplanet
