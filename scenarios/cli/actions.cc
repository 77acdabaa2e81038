// `testplanet actions`: every kind of step and check, every event a step can wait for, and every
// planted bug — from the registries, so that this list is never out of date. With --markdown,
// the tables the README shows (a test holds the README to them).
#include <cstdio>
#include <map>
#include <string>

#include "scenarios/cli/commands.h"
#include "scenarios/language/events.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/swarm.h"
#include "scenarios/planet/planted_bugs.h"

namespace testplanet::cli {
namespace {

using scenario::Actions;
using scenario::StepKind;

std::string Join(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view name : names) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

std::string SwarmColumn(const StepKind& kind) {
  if (!kind.info().drawn_with.empty()) return "with " + std::string(kind.info().drawn_with);
  return scenario::SwarmDraws(kind) ? "yes" : "no";
}

void PrintMarkdown() {
  std::printf("| step | group | what it does | faults it counts | swarm draws it |\n");
  std::printf("|---|---|---|---|---|\n");
  for (const StepKind* kind : Actions().steps()) {
    const auto& info = kind->info();
    std::printf("| `%s` | %s | %s | %s | %s |\n", std::string(info.field).c_str(),
                std::string(info.group).c_str(), std::string(info.doc).c_str(),
                Join(info.faults).c_str(), SwarmColumn(*kind).c_str());
  }
  std::printf("\n| check | what it judges |\n|---|---|\n");
  for (const scenario::CheckKind* kind : Actions().checks()) {
    std::printf("| `%s` | %s |\n", std::string(kind->info().field).c_str(),
                std::string(kind->info().doc).c_str());
  }
  std::printf("\n| event (`step { on { event } }`) | whose | what happened |\n|---|---|---|\n");
  for (const scenario::EventDef& event : scenario::Events()) {
    std::printf("| `%s` | %s | %s |\n", std::string(event.name).c_str(),
                std::string(event.whose).c_str(), std::string(event.doc).c_str());
  }
  std::printf("\n| planted bug (`--planted-bug`) | where | the bug |\n|---|---|---|\n");
  for (const PlantedBug& bug : PlantedBugs()) {
    std::printf("| `%s` | %s | %s |\n", std::string(bug.name).c_str(),
                std::string(bug.area).c_str(), std::string(bug.what).c_str());
  }
}

void PrintText() {
  std::map<std::string, std::vector<const StepKind*>> by_group;
  for (const StepKind* kind : Actions().steps()) {
    by_group[std::string(kind->info().group)].push_back(kind);
  }
  std::printf("Steps (step { at: \"1h\" <kind> { ... } }), by group:\n");
  for (const auto& [group, kinds] : by_group) {
    std::printf("  %s\n", group.c_str());
    for (const StepKind* kind : kinds) {
      std::printf("    %-16s %s\n", std::string(kind->info().field).c_str(),
                  std::string(kind->info().doc).c_str());
    }
  }
  std::printf("\nChecks (check { at: \"2h\" <kind> { ... } }):\n");
  for (const scenario::CheckKind* kind : Actions().checks()) {
    std::printf("    %-16s %s\n", std::string(kind->info().field).c_str(),
                std::string(kind->info().doc).c_str());
  }
  std::printf(
      "\nEvents (step { on { event: \"...\" peer: ... count: N after: ... } <kind> {...} }):\n");
  for (const scenario::EventDef& event : scenario::Events()) {
    std::printf("    %-19s %s\n", std::string(event.name).c_str(), std::string(event.doc).c_str());
  }
  std::printf("\nPlanted bugs (--planted-bug NAME):\n");
  for (const PlantedBug& bug : PlantedBugs()) {
    std::printf("    %-30s %s\n", std::string(bug.name).c_str(), std::string(bug.what).c_str());
  }
  std::printf("\nEvery field is documented in scenarios/language/scenario.proto.\n");
}

}  // namespace

int ListActions(bool markdown) {
  if (markdown) {
    PrintMarkdown();
  } else {
    PrintText();
  }
  return kExitOk;
}

}  // namespace testplanet::cli
