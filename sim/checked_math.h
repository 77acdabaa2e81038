// Integer arithmetic that says when it overflows, instead of wrapping (or, signed, undefined
// behaviour). Checked* return false and leave `out` alone on overflow; Saturating* clamp, for
// estimates that only need to know "too large".
#ifndef TESTPLANET_SIM_CHECKED_MATH_H_
#define TESTPLANET_SIM_CHECKED_MATH_H_

#include <cstdint>
#include <limits>

namespace testplanet {

template <typename T>
[[nodiscard]] bool CheckedAdd(T a, T b, T& out) {
  T sum;
  if (__builtin_add_overflow(a, b, &sum)) return false;
  out = sum;
  return true;
}

template <typename T>
[[nodiscard]] bool CheckedMul(T a, T b, T& out) {
  T product;
  if (__builtin_mul_overflow(a, b, &product)) return false;
  out = product;
  return true;
}

inline std::uint64_t SaturatingAdd(std::uint64_t a, std::uint64_t b) {
  std::uint64_t out = 0;
  return CheckedAdd(a, b, out) ? out : std::numeric_limits<std::uint64_t>::max();
}

inline std::uint64_t SaturatingMul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t out = 0;
  return CheckedMul(a, b, out) ? out : std::numeric_limits<std::uint64_t>::max();
}

}  // namespace testplanet

#endif  // TESTPLANET_SIM_CHECKED_MATH_H_
