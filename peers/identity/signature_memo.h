// SignatureMemo: remembers the signature checks that passed, so that the same check made again
// costs a hash instead of an Ed25519 verification. In a planet the same bytes are checked twice
// as a rule: a storage node checks an order limit and an order when the piece arrives, and the
// satellite checks the very same bytes when the order is settled (half of a network day's
// verifications, each ~46 µs here).
// A signature made in this process is remembered as it is made (RememberSigned): the node's own
// checks of the limit and the order an upload brings then cost a hash too, where each was an
// Ed25519 verification (~60 µs here; a network day made 260 k of them).
// Promises: Verify returns exactly what libsodium's verification of the triple (public key,
// message, signature) returns. Only triples that verified, or that were signed here with the
// secret key of that public key (which libsodium's verification always accepts: a signature made
// with a key pair's secret key verifies under its public key), are remembered, matched on a
// BLAKE2b-256 of all their bytes; anything else is verified for real. Verification is a pure
// function of the triple, so remembering changes what a run costs, never what it does.
// Trap: one memo per process, like the work tally (peers/work.h). A run clears it when it starts,
// so that its counts of real verifications do not depend on the runs before it.
#ifndef TESTPLANET_PEERS_IDENTITY_SIGNATURE_MEMO_H_
#define TESTPLANET_PEERS_IDENTITY_SIGNATURE_MEMO_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

namespace testplanet {

class SignatureMemo {
 public:
  // The process's memo.
  static SignatureMemo& Process();

  // Whether `signature` is a valid Ed25519 signature of `message` by `public_key` (32 and 64 raw
  // bytes; other sizes are invalid).
  bool Verify(std::string_view public_key, std::string_view message, std::string_view signature);

  // Remembers that `signature` is valid for `message` and `public_key`. REQUIRES: the signature
  // was just made by libsodium with the secret key whose public key is `public_key` (Identity::Sign
  // passes the key that signed: the public half of its own secret key).
  void RememberSigned(std::string_view public_key, std::string_view message,
                      std::string_view signature);

  // Forgets every remembered check.
  void Clear();

 private:
  using Digest = std::array<std::uint8_t, 32>;
  // The triple's BLAKE2b-256; the key and the signature have fixed sizes, so the concatenation
  // names one triple.
  static Digest DigestOf(std::string_view public_key, std::string_view message,
                         std::string_view signature);
  // The two-slot set that `digest` belongs to (allocating the slots at the first use).
  Digest* SetOf(const Digest& digest);
  static void Remember(Digest* set, const Digest& digest);
  // Sets of two slots, picked by the digest's first bytes; a new check replaces the older of its
  // set. 128 Ki slots (4 MiB) hold hours of a network's signatures (~15 k made an hour, checked
  // by their node at once and by their satellite within an hour or two of settling): a network
  // day checked 507 k triples, 2,749 of them for real.
  static constexpr std::size_t kSlots = std::size_t{1} << 17;
  std::unique_ptr<Digest[]> slots_;  // allocated at the first use; all zero is empty
};

}  // namespace testplanet

#endif  // TESTPLANET_PEERS_IDENTITY_SIGNATURE_MEMO_H_
