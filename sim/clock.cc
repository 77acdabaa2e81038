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

StatusOr<Duration> ParseDuration(std::string_view text) {
  const std::string original(text);
  auto bad = [&](const std::string& why) {
    return InvalidArgumentError("invalid duration \"" + original + "\": " + why);
  };
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return Duration::zero();
  if (text.empty()) return bad("empty");
  // Accumulate in long double nanoseconds, then check the range once.
  long double total = 0;
  while (!text.empty()) {
    std::size_t i = 0;
    long double whole = 0, fraction = 0, scale = 1;
    bool digits = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      whole = whole * 10 + (text[i++] - '0');
      digits = true;
    }
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        scale /= 10;
        fraction += (text[i++] - '0') * scale;
        digits = true;
      }
    }
    if (!digits) return bad("expected a number");
    std::size_t unit_end = i;
    while (unit_end < text.size() && !(text[unit_end] >= '0' && text[unit_end] <= '9') &&
           text[unit_end] != '.') {
      ++unit_end;
    }
    const std::string_view unit = text.substr(i, unit_end - i);
    long double nanos_per_unit = 0;
    if (unit == "ns")
      nanos_per_unit = 1;
    else if (unit == "us" || unit == "\u00b5s")
      nanos_per_unit = 1e3;
    else if (unit == "ms")
      nanos_per_unit = 1e6;
    else if (unit == "s")
      nanos_per_unit = 1e9;
    else if (unit == "m")
      nanos_per_unit = 60e9;
    else if (unit == "h")
      nanos_per_unit = 3600e9;
    else if (unit.empty())
      return bad("missing unit (ns, us, ms, s, m, h)");
    else
      return bad("unknown unit \"" + std::string(unit) + "\"");
    total += (whole + fraction) * nanos_per_unit;
    text.remove_prefix(unit_end);
  }
  if (total > 9.2e18L) return bad("too large");
  const auto nanos = static_cast<std::int64_t>(total + 0.5L);
  return Duration(negative ? -nanos : nanos);
}

std::string FormatTime(TimePoint t) { return "+" + FormatDuration(t.time_since_epoch()); }

}  // namespace testplanet
