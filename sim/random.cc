#include "sim/random.h"

namespace testplanet {

__extension__ typedef unsigned __int128 uint128;

RandomStream::RandomStream(std::uint64_t seed) : seed_(seed) {
  std::uint64_t s = seed;
  for (auto& word : state_) word = SplitMix64(s);
}

std::uint64_t RandomStream::Next() {
  const std::uint64_t result = Rotl64(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = Rotl64(state_[3], 45);
  return result;
}

std::uint64_t RandomStream::Below(std::uint64_t bound) {
  uint128 product = static_cast<uint128>(Next()) * bound;
  auto low = static_cast<std::uint64_t>(product);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<uint128>(Next()) * bound;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

std::int64_t RandomStream::Uniform(std::int64_t low, std::int64_t high) {
  const std::uint64_t span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
  if (span == ~std::uint64_t{0}) return static_cast<std::int64_t>(Next());
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + Below(span + 1));
}

double RandomStream::NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

bool RandomStream::Bernoulli(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return NextDouble() < p;
}

Duration RandomStream::UniformDuration(Duration low, Duration high) {
  return Duration(Uniform(low.count(), high.count()));
}

std::string RandomStream::Bytes(std::size_t n) {
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    const std::uint64_t word = Next();
    for (int i = 0; i < 8 && out.size() < n; ++i) out += static_cast<char>(word >> (8 * i));
  }
  return out;
}

RandomStream RandomStream::Fork(std::string_view name) const {
  std::uint64_t s = seed_ ^ StableHash(name);
  return RandomStream(SplitMix64(s));
}

RandomStream Random::Stream(std::string_view name) const {
  std::uint64_t s = root_seed_ ^ StableHash(name);
  return RandomStream(SplitMix64(s));
}

}  // namespace testplanet
