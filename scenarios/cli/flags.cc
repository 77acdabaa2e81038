// Flags more than one subcommand takes, checked the same way everywhere: seeds, budgets, and
// loading scenario files within the budget.
#include <cstdio>
#include <limits>

#include "scenarios/cli/commands.h"
#include "scenarios/cli/outputs.h"
#include "scenarios/language/loader.h"

namespace testplanet::cli {
std::optional<std::uint64_t> ParseUnsigned(const std::string& text) {
  if (text.empty() || text.size() > 20 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  // 20 digits may still be past 2^64-1: compare as text against its decimal form.
  const std::string max = std::to_string(std::numeric_limits<std::uint64_t>::max());
  if (text.size() == max.size() && text > max) return std::nullopt;
  return std::stoull(text);
}

std::optional<std::uint64_t> ParseCountFlag(const std::string& flag, const std::string& text,
                                            const std::string& noun, std::uint64_t min) {
  if (auto count = ParseUnsigned(text)) {
    if (*count >= min) return count;
    std::fprintf(stderr, "testplanet: %s: must be at least %llu\n", flag.c_str(),
                 static_cast<unsigned long long>(min));
    return std::nullopt;
  }
  const std::string max = std::to_string(std::numeric_limits<std::uint64_t>::max());
  const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  if (digits) {
    std::fprintf(stderr, "testplanet: %s: %s is more than the largest %s, %s\n", flag.c_str(),
                 text.c_str(), noun.c_str(), max.c_str());
  } else {
    std::fprintf(stderr, "testplanet: %s: expected a %s, %llu to %s, got \"%s\"\n", flag.c_str(),
                 noun.c_str(), static_cast<unsigned long long>(min), max.c_str(), text.c_str());
  }
  return std::nullopt;
}

std::optional<scenario::Budget> ResolveBudget(const BudgetFlags& flags) {
  scenario::Budget budget;
  if (!flags.max_events.empty()) {
    auto events = ParseCountFlag("--max-events", flags.max_events, "number of events", 1);
    if (!events) return std::nullopt;
    budget.events = *events;
  }
  if (!flags.max_memory.empty()) {
    auto bytes = scenario::ParseBytes(flags.max_memory);
    if (!bytes.ok()) {
      std::fprintf(stderr, "testplanet: --max-memory: %s\n",
                   std::string(bytes.status().message()).c_str());
      return std::nullopt;
    }
    if (*bytes == 0) {  // no run fits in nothing: say so here, not as a scenario too big
      std::fprintf(stderr, "testplanet: --max-memory: must be at least 1 byte\n");
      return std::nullopt;
    }
    budget.memory_bytes = *bytes;
  }
  return budget;
}

std::string RunFlagsText(const scenario::RunOptions& options) {
  std::string text = PlantedBugFlag(options.planted_bug) + BudgetFlagsText(options.budget);
  if (options.stop_at) text += " --stop-at " + FormatDuration(*options.stop_at);
  if (!options.invariants) text += " --no-invariants";
  if (options.trace_level != scenario::TraceLevel::kAll) {
    text += " --trace " + std::string(scenario::TraceLevelName(options.trace_level));
  }
  return text;
}

std::string BudgetFlagsText(const scenario::Budget& budget) {
  std::string text;
  if (budget.events != scenario::Budget::kDefaultEvents) {
    text += " --max-events " + std::to_string(budget.events);
  }
  if (budget.memory_bytes != scenario::Budget::kDefaultMemoryBytes) {
    text += " --max-memory " + scenario::FormatBytes(budget.memory_bytes);
  }
  return text;
}

std::optional<std::vector<scenario::Plan>> LoadWithinBudget(const std::vector<std::string>& files,
                                                            const scenario::Budget& budget,
                                                            const scenario::RunShape& shape) {
  std::vector<scenario::Plan> plans;
  for (const std::string& file : files) {
    auto loaded = scenario::LoadScenarioFile(file);
    if (!Report(loaded.status())) return std::nullopt;
    if (!Report(scenario::CheckBudget(*loaded, budget, shape))) return std::nullopt;
    plans.push_back(std::move(*loaded));
  }
  return plans;
}

}  // namespace testplanet::cli
