#include "sim/clock.h"

#include <cstdio>

namespace testplanet {
namespace {

// Appends `value` as a decimal fraction of `unit` ("1.5" for 1500 of 1000), without trailing zeros.
void AppendFraction(std::string& out, std::uint64_t value, std::uint64_t unit) {
  out += std::to_string(value / unit);
  std::uint64_t rest = value % unit;
  if (rest == 0) return;
  out += '.';
  for (std::uint64_t digit = unit / 10; rest != 0 && digit != 0; digit /= 10) {
    out += static_cast<char>('0' + rest / digit);
    rest %= digit;
  }
}

}  // namespace

std::string FormatDuration(Duration d) {
  std::int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string out;
  // Negate in unsigned arithmetic so that INT64_MIN does not overflow.
  std::uint64_t magnitude = static_cast<std::uint64_t>(ns);
  if (ns < 0) {
    out += '-';
    magnitude = ~magnitude + 1;
  }
  constexpr std::uint64_t kMicro = 1'000, kMilli = 1'000'000, kSecond = 1'000'000'000;
  if (magnitude < kMicro) {
    out += std::to_string(magnitude) + "ns";
  } else if (magnitude < kMilli) {
    AppendFraction(out, magnitude, kMicro);
    out += "us";
  } else if (magnitude < kSecond) {
    AppendFraction(out, magnitude, kMilli);
    out += "ms";
  } else {
    std::uint64_t seconds = magnitude / kSecond;
    std::uint64_t hours = seconds / 3600;
    std::uint64_t minutes = seconds / 60 % 60;
    if (hours > 0) out += std::to_string(hours) + "h";
    if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
    AppendFraction(out, magnitude % (60 * kSecond), kSecond);
    out += "s";
  }
  return out;
}

std::string FormatTime(TimePoint t) { return "+" + FormatDuration(t.time_since_epoch()); }

}  // namespace testplanet
