#include "scenarios/language/shrink.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>
#include <vector>

#include "scenarios/language/loader.h"
#include "scenarios/language/registry.h"

namespace testplanet::scenario {
namespace {

// Masks serials (hex runs of 8 or more with a digit) and every run of digits, so that
// "storagenode3 lost order 1de4..." and "storagenode1 lost order 77a0..." read the same.
std::string Mask(const std::string& text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    bool digit = false;
    while (j < text.size() && std::isxdigit(static_cast<unsigned char>(text[j]))) {
      digit = digit || std::isdigit(static_cast<unsigned char>(text[j]));
      ++j;
    }
    if (j - i >= 8 && digit) {
      out += '#';
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(text[i]))) {
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      out += '#';
    } else {
      out += text[i++];
    }
  }
  return out;
}

class Shrinker {
 public:
  Shrinker(const Plan& failing, const ShrinkOptions& options)
      : path_(failing.path), options_(options), best_(failing.spec) {}

  StatusOr<ShrinkResult> Go() {
    ShrinkResult result;
    result.steps_before = best_.step_size();
    result.checks_before = best_.check_size();
    result.nodes_before = best_.planet().storage_nodes();
    result.duration_before = best_.duration();
    std::optional<RunResult> first = Trial(best_);
    if (interrupted_)
      return CancelledError("interrupted before the failing run ended: nothing shrunk");
    if (!first) return InternalError("the failing scenario no longer loads");
    signature_ = FailureSignature(*first);
    if (signature_.empty()) {
      return FailedPreconditionError("the run passes with seed " + std::to_string(options_.seed) +
                                     ": there is no failure to shrink");
    }
    failure_ = Describe(*first);
    failed_at_ = first->end;
    liveness_ = signature_.rfind("check: liveness", 0) == 0;
    if (best_.has_quiesce()) settle_ = At(best_.duration()) - At(best_.quiesce().at());

    for (bool progress = true; progress && !Spent();) {
      progress = false;
      progress |= ShortenToFailure();
      progress |= DropChecks();
      progress |= DropQuiesce();
      if (best_.unfired_faults_ok()) {  // a regression test should insist its faults fire
        Scenario strict = best_;
        strict.set_unfired_faults_ok(false);
        progress |= Try(strict);
      }
      progress |= DropSteps();
      progress |= DropNodes();
      progress |= PullStepsEarlier();
      progress |= HalveDuration();
    }
    result.spec = best_;
    result.spec.set_seed(options_.seed);
    result.signature = signature_;
    result.failure = failure_;
    result.runs = runs_;
    result.interrupted = interrupted_;
    result.steps_after = best_.step_size();
    result.checks_after = best_.check_size();
    result.nodes_after = best_.planet().storage_nodes();
    result.duration_after = best_.duration();
    return result;
  }

 private:
  static std::string Describe(const RunResult& r) {
    if (!r.status.ok()) return r.status.ToString();
    for (const CheckOutcome& c : r.checks) {
      if (!c.passed)
        return "check \"" + c.name + "\": expected " + c.expected + ", found " + c.found;
    }
    return "";
  }

  // No more trials: the run budget is spent, or a stop was asked for.
  bool Spent() const { return interrupted_ || runs_ >= options_.max_runs; }

  // Runs `spec` with the original seed; nullopt if it does not load (an invalid candidate) or
  // was interrupted (a run cut short proves nothing, so it is never kept).
  std::optional<RunResult> Trial(const Scenario& spec) {
    if (options_.stop_requested && options_.stop_requested()) interrupted_ = true;
    if (interrupted_) return std::nullopt;
    auto loaded = LoadScenario(path_, spec);
    if (!loaded.ok()) return std::nullopt;
    ++runs_;
    RunOptions run;
    run.seed = options_.seed;
    run.trace_detail = TraceDetail::kDigestOnly;
    run.invariants = options_.invariants;
    run.planted_bug = options_.planted_bug;
    run.stop_at = options_.stop_at;
    run.budget = options_.budget;
    run.run_directory = options_.scratch_directory;
    run.stop_requested = options_.stop_requested;
    RunResult result = RunScenario(*loaded, run);
    if (result.interrupted) {
      interrupted_ = true;
      return std::nullopt;
    }
    return result;
  }

  // Keeps `candidate` iff it still fails the same way.
  bool Try(const Scenario& candidate) {
    if (Spent()) return false;
    std::optional<RunResult> result = Trial(candidate);
    if (!result || FailureSignature(*result) != signature_) return false;
    best_ = candidate;
    failure_ = Describe(*result);
    failed_at_ = result->end;
    return true;
  }

  static Duration At(const std::string& text) {
    auto parsed = ParseDuration(text.empty() ? "0s" : text);
    return parsed.ok() ? *parsed : Duration::zero();
  }

  // `spec` cut to `duration`: later steps and checks go, and a quiesce at or after the new end.
  // When the failure is liveness (orders unsent at the end), the quiesce instead moves with the
  // end, keeping the original settling time after it, and no step comes after it: the shrunk run
  // must still fail because orders did not settle in that time, not because faults went on.
  Scenario Cut(const Scenario& spec, Duration duration) const {
    Scenario out = spec;
    out.set_duration(FormatDuration(duration));
    std::optional<Duration> quiesce;
    if (spec.has_quiesce()) {
      if (liveness_) {
        if (duration > settle_) quiesce = duration - settle_;
      } else if (At(spec.quiesce().at()) < duration) {
        quiesce = At(spec.quiesce().at());
      }
    }
    const Duration last_step = liveness_ && quiesce ? *quiesce : duration;
    out.clear_step();
    for (const Step& step : spec.step()) {
      if (step.has_on() || At(step.at()) <= last_step) *out.add_step() = step;
    }
    // Checks keep their place, or move to the new end (the shrunk run must still fail them).
    for (Check& check : *out.mutable_check()) {
      if (!check.at().empty() && At(check.at()) > duration) check.set_at(FormatDuration(duration));
    }
    if (quiesce) {
      out.mutable_quiesce()->set_at(FormatDuration(*quiesce));
    } else {
      out.clear_quiesce();
    }
    for (Step& step : *out.mutable_step()) {
      if (step.has_traffic() && !step.traffic().until().empty() &&
          At(step.traffic().until()) > duration) {
        step.mutable_traffic()->clear_until();  // "until the end"
      }
      if (step.has_on() && !step.on().after().empty() && At(step.on().after()) > duration) {
        step.mutable_on()->set_after(FormatDuration(duration));
      }
    }
    return out;
  }

  // A run error (an invariant violation) stops the run where it happened: end just after it.
  bool ShortenToFailure() {
    const Duration now = At(best_.duration());
    const Duration end =
        std::chrono::duration_cast<std::chrono::seconds>(failed_at_.time_since_epoch()) +
        std::chrono::seconds(1);
    if (end >= now) return false;
    return Try(Cut(best_, end));
  }

  // Moves each step halfway towards the step before it (or the start), while that still fails.
  bool PullStepsEarlier() {
    bool progress = false;
    for (int i = 0; i < best_.step_size() && !Spent(); ++i) {
      for (int attempt = 0; attempt < 4; ++attempt) {
        if (best_.step(i).has_on()) break;  // it happens on its event, not at a time
        Duration before = Duration::zero();
        for (int j = 0; j < best_.step_size(); ++j) {
          if (best_.step(j).has_on()) continue;
          const Duration at = At(best_.step(j).at());
          if (j != i && at <= At(best_.step(i).at()) && at > before) before = at;
        }
        const Duration at = At(best_.step(i).at());
        const Duration earlier =
            std::chrono::duration_cast<std::chrono::seconds>(before + (at - before) / 2);
        if (earlier >= at || at - earlier < std::chrono::seconds(1)) break;
        Scenario candidate = best_;
        candidate.mutable_step(i)->set_at(FormatDuration(earlier));
        if (!Try(candidate)) break;
        progress = true;
      }
    }
    return progress;
  }

  bool HalveDuration() {
    const Duration now = At(best_.duration());
    const Duration half = std::chrono::duration_cast<std::chrono::seconds>(now / 2);
    if (half < std::chrono::seconds(1)) return false;
    return Try(Cut(best_, half));
  }

  bool DropChecks() {
    if (best_.check_size() == 0) return false;
    Scenario none = best_;
    none.clear_check();
    if (Try(none)) return true;
    bool progress = false;
    for (int i = best_.check_size() - 1; i >= 0; --i) {
      Scenario candidate = best_;
      candidate.mutable_check()->DeleteSubrange(i, 1);
      progress |= Try(candidate);
    }
    return progress;
  }

  bool DropQuiesce() {
    if (!best_.has_quiesce()) return false;
    Scenario candidate = best_;
    candidate.clear_quiesce();
    return Try(candidate);
  }

  // Chunks first (halves, quarters, ...), then single steps: delta debugging, greedily.
  bool DropSteps() {
    bool progress = false;
    for (int chunk = std::max(1, best_.step_size() / 2); chunk >= 1; chunk /= 2) {
      for (int start = best_.step_size() - chunk; start >= 0; start -= chunk) {
        if (start + chunk > best_.step_size()) continue;
        Scenario candidate = best_;
        candidate.mutable_step()->DeleteSubrange(start, chunk);
        progress |= Try(candidate);
      }
      if (chunk == 1) break;
    }
    return progress;
  }

  // One storage node fewer at a time; transfers that asked for more nodes ask for all there are.
  bool DropNodes() {
    bool progress = false;
    while (best_.planet().storage_nodes() > 1 && !Spent()) {
      Scenario candidate = best_;
      const int nodes = best_.planet().storage_nodes() - 1;
      candidate.mutable_planet()->set_storage_nodes(nodes);
      for (Step& step : *candidate.mutable_step()) {
        const auto* field = step.GetReflection()->GetOneofFieldDescriptor(
            step, Step::descriptor()->FindOneofByName("action"));
        const StepKind* kind = field ? Actions().FindStep(field->name()) : nullptr;
        if (kind != nullptr) kind->FitToNodes(step, nodes);
      }
      if (!Try(candidate)) break;
      progress = true;
    }
    return progress;
  }

  std::string path_;
  ShrinkOptions options_;
  Scenario best_;
  std::string signature_;
  std::string failure_;
  TimePoint failed_at_{};
  bool liveness_ = false;  // the failure is orders left unsent after the quiesce
  Duration settle_{};      // the original time between the quiesce and the end
  int runs_ = 0;
  bool interrupted_ = false;  // a stop was asked for: no more trials
};

}  // namespace

std::string FailureSignature(const RunResult& result) {
  // Virtual times ("+1h2m3.5s", "10m0s") read as one token whatever their size.
  static const std::regex kTime(R"((#(\.#)?(h|ms|us|ns|m|s))+)");
  auto mask = [](const std::string& text) { return std::regex_replace(Mask(text), kTime, "<t>"); };
  if (!result.status.ok()) return "error: " + mask(result.status.ToString());
  for (const CheckOutcome& check : result.checks) {
    if (check.passed) continue;
    std::string signature = "check: " + mask(check.name);
    for (const std::string& miss : check.misses) signature += "; " + mask(miss);
    return signature;
  }
  return "";
}

StatusOr<ShrinkResult> ShrinkScenario(const Plan& failing, const ShrinkOptions& options) {
  return Shrinker(failing, options).Go();
}

}  // namespace testplanet::scenario
