// Seeded randomness: one root seed, split into independent named streams.
//
// Every random choice in a simulation draws from a RandomStream obtained by name from the run's
// Random (for example "node/3/latency"). A stream's sequence depends only on the root seed and
// its name, so adding a peer or a fault does not shift any other stream's draws.
// Promises: the same seed and name give the same sequence on every build, compiler and standard
// library: the generator (xoshiro256**), the seeding (SplitMix64 over an FNV-1a hash of the name)
// and every range mapping are written here, never taken from std::*_distribution.
// Trap: a stream is a value; copying one forks it (both copies replay the same draws).
#ifndef TESTPLANET_SIM_RANDOM_H_
#define TESTPLANET_SIM_RANDOM_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/clock.h"
#include "sim/hash.h"

namespace testplanet {

class RandomStream {
 public:
  explicit RandomStream(std::uint64_t seed);

  // Returns 64 uniformly distributed bits.
  std::uint64_t Next();

  // Returns a uniform integer in [0, bound). REQUIRES: bound > 0.
  // Lemire's multiply-and-reject mapping: unbiased, and identical on every platform.
  std::uint64_t Below(std::uint64_t bound);

  // Returns a uniform integer in [low, high] (both inclusive). REQUIRES: low <= high.
  std::int64_t Uniform(std::int64_t low, std::int64_t high);

  // Returns a uniform double in [0, 1) with 53 random bits.
  double NextDouble();

  // Returns true with probability `p` (p <= 0: never; p >= 1: always).
  bool Bernoulli(double p);

  // Returns a uniform duration in [low, high] (nanosecond resolution).
  Duration UniformDuration(Duration low, Duration high);

  // Returns `n` random bytes (serial numbers, piece IDs), 8 per draw, little-endian.
  std::string Bytes(std::size_t n);

  // Returns a new stream derived from this one by name, without consuming draws from this one.
  RandomStream Fork(std::string_view name) const;

 private:
  std::uint64_t state_[4];
  std::uint64_t seed_;
};

class Random {
 public:
  explicit Random(std::uint64_t root_seed) : root_seed_(root_seed) {}

  std::uint64_t root_seed() const { return root_seed_; }

  // Returns the stream named `name`. Asking twice for one name gives two streams with the same
  // sequence; hold on to the stream rather than asking again.
  RandomStream Stream(std::string_view name) const;

 private:
  std::uint64_t root_seed_;
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_RANDOM_H_
