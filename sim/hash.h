// Stable hashing and mixing: the functions whose outputs feed digests and seeds.
//
// Promises: every function here gives the same output for the same input on every compiler,
// standard library and machine (no std::hash, no pointer values). They are constexpr so that
// names can be hashed at compile time.
#ifndef TESTPLANET_SIM_HASH_H_
#define TESTPLANET_SIM_HASH_H_

#include <cstdint>
#include <string_view>

namespace testplanet {

// FNV-1a 64-bit hash of `bytes`.
constexpr std::uint64_t StableHash(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

constexpr std::uint64_t Rotl64(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// The MurmurHash3 64-bit finalizer: a bijective mixer.
constexpr std::uint64_t Mix64(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// One step of SplitMix64: advances `state` and returns a well-mixed 64-bit value.
constexpr std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace testplanet

#endif  // TESTPLANET_SIM_HASH_H_
