#include "scenarios/language/judgement.h"

namespace testplanet::scenario {

bool Bound::Holds(std::int64_t found) const {
  switch (op) {
    case Op::kEq:
      return found == value;
    case Op::kGe:
      return found >= value;
    case Op::kLe:
      return found <= value;
    case Op::kGt:
      return found > value;
    case Op::kLt:
      return found < value;
  }
  return false;
}

std::string_view Bound::Symbol() const {
  switch (op) {
    case Op::kEq:
      return "==";
    case Op::kGe:
      return ">=";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kLt:
      return "<";
  }
  return "?";
}

void Judgement::Count(const Expectation& expected, std::int64_t found, std::string_view what) {
  std::string text;
  bool holds = true;
  bool above = false;
  for (const Bound& bound : expected.bounds) {
    if (!text.empty()) text += " and ";
    text +=
        std::string(what) + " " + std::string(bound.Symbol()) + " " + std::to_string(bound.value);
    if (!bound.Holds(found)) {
      holds = false;
      // A missed lower bound means too few; a missed upper bound, too many.
      const bool upper = bound.op == Bound::Op::kLe || bound.op == Bound::Op::kLt;
      above = above || upper || (bound.op == Bound::Op::kEq && found > bound.value);
    }
  }
  Append(text, std::string(what) + " = " + std::to_string(found));
  if (!holds) {
    passed_ = false;
    misses_.push_back(std::string(what) + (above ? " above" : " below"));
  }
}

void Judgement::Condition(bool holds, const std::string& expected, const std::string& found,
                          const std::string& miss) {
  Append(expected, found);
  if (!holds) {
    passed_ = false;
    misses_.push_back(miss);
  }
}

void Judgement::Append(const std::string& expected, const std::string& found) {
  if (!expected_.empty()) expected_ += ", ";
  expected_ += expected;
  if (!found_.empty()) found_ += ", ";
  found_ += found;
}

}  // namespace testplanet::scenario
