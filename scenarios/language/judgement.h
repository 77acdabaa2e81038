// Expectation and Judgement: how a check compares what it found with what it expected.
//
// An Expectation is the bounds of an `Expect { eq ge le gt lt }`, read at load. A Judgement
// collects what one check judged: for the report, "expected unsent == 0, found unsent = 3"; for
// shrinking, which way each miss went ("unsent above") — the failure's meaning, so that a shrunk
// scenario must miss the same way, not merely fail the same check.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_JUDGEMENT_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_JUDGEMENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace testplanet::scenario {

struct Bound {
  enum class Op { kEq, kGe, kLe, kGt, kLt };
  Op op;
  std::int64_t value;
  bool Holds(std::int64_t found) const;
  // "==", ">=", ...
  std::string_view Symbol() const;
};

struct Expectation {
  std::vector<Bound> bounds;  // every one must hold; empty: nothing is expected
  bool empty() const { return bounds.empty(); }
};

class Judgement {
 public:
  // Judges a number: `what` (e.g. "unsent") was `found`; each bound must hold.
  void Count(const Expectation& expected, std::int64_t found, std::string_view what);
  // Judges anything else: `holds`, with the texts for the report and, when it does not hold,
  // the way it missed (e.g. "storagenode1 orders.sender last run too early").
  void Condition(bool holds, const std::string& expected, const std::string& found,
                 const std::string& miss);

  bool passed() const { return passed_; }
  const std::string& expected() const { return expected_; }
  const std::string& found() const { return found_; }
  // One entry per miss, "<what> above" / "<what> below" for numbers.
  const std::vector<std::string>& misses() const { return misses_; }

 private:
  void Append(const std::string& expected, const std::string& found);

  bool passed_ = true;
  std::string expected_;
  std::string found_;
  std::vector<std::string> misses_;
};

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_JUDGEMENT_H_
