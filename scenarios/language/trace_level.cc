#include "scenarios/language/trace_level.h"

#include <string>

#include "sim/trace.h"

namespace testplanet::scenario {
namespace {

// The kinds `chores` keeps, by the first part of their names: a kind added later under one of
// these families is kept without a change here.
constexpr std::string_view kChoreFamilies[] = {"cycle.",     "lifecycle.", "planet.",  "scenario.",
                                               "invariant.", "net.fault",  "net.reset"};

}  // namespace

StatusOr<TraceLevel> ParseTraceLevel(std::string_view text) {
  if (text == "all") return TraceLevel::kAll;
  if (text == "chores") return TraceLevel::kChores;
  return InvalidArgumentError("expected all or chores, found \"" + std::string(text) + "\"");
}

std::string_view TraceLevelName(TraceLevel level) {
  return level == TraceLevel::kChores ? "chores" : "all";
}

bool KeepsKind(TraceLevel level, std::uint64_t kind) {
  if (level == TraceLevel::kAll) return true;
  const std::string_view name = TraceKindName(kind);
  if (name.empty()) return true;
  for (std::string_view family : kChoreFamilies) {
    if (name.substr(0, family.size()) == family) return true;
  }
  return false;
}

}  // namespace testplanet::scenario
