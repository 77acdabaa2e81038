#include "scenarios/language/selector.h"

#include <charconv>
#include <optional>

namespace testplanet::scenario {
namespace {

// A non-negative decimal number, all of `text`, or nullopt.
std::optional<int> Number(std::string_view text) {
  int value = 0;
  if (text.empty() || text.size() > 9) return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

Status NotASelector(std::string_view selector) {
  return InvalidArgumentError("\"" + std::string(selector) +
                              "\" is not a peer selector (satellite0, storagenode*, "
                              "storagenode[0..1], uplink0)");
}

// The range `rest` ("*", "[a..b]" or "n") names, for a kind with `count` peers.
StatusOr<std::pair<int, int>> Range(std::string_view selector, std::string_view rest, int count) {
  if (rest == "*") return std::pair{0, count - 1};
  if (rest.size() >= 2 && rest.front() == '[' && rest.back() == ']') {
    const std::string_view range = rest.substr(1, rest.size() - 2);
    const auto dots = range.find("..");
    if (dots == std::string_view::npos) return NotASelector(selector);
    const auto low = Number(range.substr(0, dots));
    const auto high = Number(range.substr(dots + 2));
    if (!low || !high) return NotASelector(selector);
    return std::pair{*low, *high};
  }
  const auto only = Number(rest);
  if (!only) return NotASelector(selector);
  return std::pair{*only, *only};
}

}  // namespace

StatusOr<std::vector<PeerRef>> ParseSelector(std::string_view selector, const PeerCounts& counts) {
  for (PeerKind kind : kPeerKinds) {
    const std::string_view stem = PeerKindName(kind);
    if (selector.substr(0, stem.size()) != stem) continue;
    const int count = counts.Of(kind);
    auto range = Range(selector, selector.substr(stem.size()), count);
    if (!range.ok()) return range.status();
    const auto [low, high] = *range;
    if (count == 0) {
      return InvalidArgumentError("\"" + std::string(selector) +
                                  "\" selects nothing: the planet has no " + std::string(stem) +
                                  "s");
    }
    if (low > high || high >= count) {
      return InvalidArgumentError("\"" + std::string(selector) +
                                  "\" is out of range: the planet has " + std::to_string(count) +
                                  " " + std::string(stem) + "s");
    }
    std::vector<PeerRef> peers;
    peers.reserve(static_cast<std::size_t>(high) - static_cast<std::size_t>(low) + 1);
    for (int i = low; i <= high; ++i) peers.push_back({kind, i});
    return peers;
  }
  return NotASelector(selector);
}

std::string RangeSelector(PeerKind kind, int first, int last) {
  const std::string stem(PeerKindName(kind));
  if (first == last) return stem + std::to_string(first);
  return stem + "[" + std::to_string(first) + ".." + std::to_string(last) + "]";
}

}  // namespace testplanet::scenario
