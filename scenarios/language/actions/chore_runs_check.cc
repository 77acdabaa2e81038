// chore_runs: how many runs of a chore began on the selected peers (summed, across restarts;
// for one reason, or any), and when each peer's latest began.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/judgement.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "sim/cycle.h"

namespace testplanet::scenario {
namespace {

struct Window {
  std::optional<Duration> not_before, not_after;
  std::string text;  // "[1h, 2h]" as written
};

class ChoreRunsCheck final : public CheckAction {
 public:
  ChoreRunsCheck(std::vector<PeerRef> peers, std::string chore, int reason, Expectation runs,
                 std::optional<Window> last_run)
      : peers_(std::move(peers)),
        chore_(std::move(chore)),
        reason_(reason),
        runs_(std::move(runs)),
        last_run_(std::move(last_run)) {}

  void Judge(RunContext& run, Judgement& judgement) const override {
    Planet& planet = run.planet();
    const std::uint64_t chore = planet.sim().trace().InternName(chore_);
    std::int64_t total = 0;
    for (const PeerRef& peer : peers_) {
      const ChoreLedger::Runs runs = planet.chore_runs().RunsOf(planet.PeerIdOf(peer), chore);
      total += static_cast<std::int64_t>(
          reason_ == 0 ? runs.started : runs.by_reason[static_cast<std::size_t>(reason_)]);
      if (last_run_) JudgeLastRun(peer, runs.last_started, judgement);
    }
    if (!runs_.empty()) judgement.Count(runs_, total, RunsWhat());
  }

 private:
  std::string RunsWhat() const {
    static constexpr const char* kReasons[] = {"", " first", " tick", " trigger"};
    return chore_ + kReasons[reason_] + " runs";
  }

  void JudgeLastRun(const PeerRef& peer, const std::optional<TimePoint>& last,
                    Judgement& judgement) const {
    const bool early = last && last_run_->not_before && *last < TimePoint(*last_run_->not_before);
    const bool late = last && last_run_->not_after && *last > TimePoint(*last_run_->not_after);
    const std::string who = peer.Name() + " " + chore_;
    judgement.Condition(last && !early && !late, who + " last run in " + last_run_->text,
                        who + " last run " + (last ? FormatTime(*last) : std::string("never")),
                        who + (!last   ? " never ran"
                               : early ? " last run too early"
                                       : " last run too late"));
  }

  std::vector<PeerRef> peers_;
  std::string chore_;
  int reason_;
  Expectation runs_;
  std::optional<Window> last_run_;
};

StatusOr<Window> LoadWindow(FieldReader in) {
  Window window;
  for (auto [field, bound] :
       {std::pair{"not_before", &window.not_before}, std::pair{"not_after", &window.not_after}}) {
    if (!in.Has(field)) continue;
    auto read = in.ReadDuration(field, {.required = true, .within_run = true});
    if (!read.ok()) return read.status();
    *bound = *read;
  }
  if (!window.not_before && !window.not_after) {
    return in.Error("", "needs not_before or not_after");
  }
  if (window.not_before && window.not_after && *window.not_before > *window.not_after) {
    return in.Error("not_after", "is before not_before");
  }
  window.text = "[" + (window.not_before ? FormatDuration(*window.not_before) : "start") + ", " +
                (window.not_after ? FormatDuration(*window.not_after) : "now") + "]";
  return window;
}

class ChoreRunsCheckKind final : public CheckKind {
 public:
  ChoreRunsCheckKind()
      : CheckKind({.field = "chore_runs",
                   .doc = "runs of a chore on the selected peers (for one `reason`, or any), and "
                          "when each peer's latest began (last_run)"}) {}

  StatusOr<std::unique_ptr<CheckAction>> Load(FieldReader& in) const override {
    auto peers = in.ReadPeers("peer", {});
    if (!peers.ok()) return peers.status();
    auto chore = in.ReadChore("chore", *peers);
    if (!chore.ok()) return chore.status();
    auto reason = in.ReadEnum("reason", /*required=*/false);
    if (!reason.ok()) return reason.status();
    std::optional<Window> last_run;
    if (in.Has("last_run")) {
      auto window = LoadWindow(in.Nested("last_run"));
      if (!window.ok()) return window.status();
      last_run = std::move(*window);
    }
    auto runs = in.ReadExpect("runs", /*required=*/!last_run);
    if (!runs.ok()) return runs.status();
    return std::make_unique<ChoreRunsCheck>(std::move(*peers), *chore, *reason, std::move(*runs),
                                            std::move(last_run));
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(chore_runs_check) { registry.Add(std::make_unique<ChoreRunsCheckKind>()); }

}  // namespace testplanet::scenario
