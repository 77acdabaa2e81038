#include "scenarios/language/field_reader.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "scenarios/language/selector.h"
#include "sim/cycle.h"

namespace testplanet::scenario {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Reflection;

// The longest duration a scenario may name: what the simulator can reach (its max_time).
constexpr Duration kLongest = std::chrono::hours(24 * 365 * 10);

std::string Quote(const std::string& text) { return "\"" + text + "\""; }

}  // namespace

FieldReader::FieldReader(const LoadContext& context, google::protobuf::Message& message,
                         const ParseInfoTree* tree, Location at, std::string path)
    : context_(&context), message_(&message), tree_(tree), at_(at), path_(std::move(path)) {}

const FieldDescriptor* FieldReader::Field(std::string_view field) const {
  const FieldDescriptor* descriptor =
      message_->GetDescriptor()->FindFieldByName(std::string(field));
  if (descriptor == nullptr) {
    // A misspelt field name in an action's own code, never in a user's file: the tests that
    // load every kind meet it first.
    std::fprintf(stderr, "testplanet: internal error: %s has no field \"%.*s\"\n",
                 message_->GetDescriptor()->full_name().c_str(), static_cast<int>(field.size()),
                 field.data());
    std::abort();
  }
  return descriptor;
}

Location FieldReader::Where(std::string_view field) const {
  const FieldDescriptor* descriptor = field.empty() ? nullptr : Field(field);
  if (tree_ == nullptr || descriptor == nullptr) return at_;
  const auto location = tree_->GetLocation(descriptor, descriptor->is_repeated() ? 0 : -1);
  return location.line < 0 ? at_ : Location{location.line + 1, location.column + 1};
}

Status FieldReader::Error(std::string_view field, const std::string& what) const {
  const Location at = Where(field);
  std::string where = context_->path;
  if (at.line > 0) where += ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
  const std::string name = field.empty()   ? path_
                           : path_.empty() ? std::string(field)
                                           : path_ + "." + std::string(field);
  return InvalidArgumentError(where + ": " + name + ": " + what);
}

FieldReader FieldReader::Nested(std::string_view field) {
  const FieldDescriptor* descriptor = Field(field);
  const ParseInfoTree* nested =
      tree_ == nullptr ? nullptr : tree_->GetTreeForNested(descriptor, -1);
  google::protobuf::Message* inner =
      message_->GetReflection()->MutableMessage(message_, descriptor);
  FieldReader reader(*context_, *inner, nested, Where(field),
                     path_.empty() ? std::string(field) : path_ + "." + std::string(field));
  reader.index_ = index_;
  reader.step_at_ = step_at_;
  return reader;
}

FieldReader FieldReader::Element(std::string_view field, int index) {
  const FieldDescriptor* descriptor = Field(field);
  Location at = at_;
  const ParseInfoTree* nested = nullptr;
  if (tree_ != nullptr) {
    const auto location = tree_->GetLocation(descriptor, index);
    if (location.line >= 0) at = {location.line + 1, location.column + 1};
    nested = tree_->GetTreeForNested(descriptor, index);
  }
  google::protobuf::Message* inner =
      message_->GetReflection()->MutableRepeatedMessage(message_, descriptor, index);
  const std::string name = std::string(field) + "[" + std::to_string(index) + "]";
  FieldReader reader(*context_, *inner, nested, at, path_.empty() ? name : path_ + "." + name);
  reader.index_ = index;
  return reader;
}

bool FieldReader::Has(std::string_view field) const {
  const FieldDescriptor* descriptor = Field(field);
  const int index = descriptor->is_repeated() ? 0 : -1;
  if (tree_ != nullptr && tree_->GetLocation(descriptor, index).line >= 0) return true;
  const Reflection* reflection = message_->GetReflection();
  if (descriptor->is_repeated()) return reflection->FieldSize(*message_, descriptor) > 0;
  return reflection->HasField(*message_, descriptor);
}

StatusOr<Duration> FieldReader::ReadDuration(std::string_view field, const DurationRule& rule) {
  const FieldDescriptor* descriptor = Field(field);
  const Reflection* reflection = message_->GetReflection();
  std::string text = reflection->GetString(*message_, descriptor);
  if (text.empty()) {
    if (rule.required) return Error(field, "is required");
    if (!rule.fallback) return Duration::zero();
    text = FormatDuration(*rule.fallback);
    reflection->SetString(message_, descriptor, text);
  }
  StatusOr<Duration> parsed = ParseDuration(text);
  if (!parsed.ok()) return Error(field, std::string(parsed.status().message()));
  const Duration value = *parsed;
  if (rule.positive && value <= Duration::zero()) {
    return Error(field, "must be positive, got " + Quote(text));
  }
  if (!rule.positive && !rule.negative_ok && value < Duration::zero()) {
    return Error(field, "must not be negative, got " + Quote(text));
  }
  if (value > kLongest || value < -kLongest) {
    return Error(field, "must be within " + FormatDuration(kLongest) + ", got " + Quote(text));
  }
  if (rule.within_run && value > context_->duration) {
    return Error(field, "is after the end of the run (" + FormatDuration(context_->duration) + ")");
  }
  return value;
}

StatusOr<std::optional<Duration>> FieldReader::ReadInterval(std::string_view field, bool required) {
  const std::string text = message_->GetReflection()->GetString(*message_, Field(field));
  if (text.empty()) {
    if (required) return Error(field, "is required (a positive duration, or \"disabled\")");
    return std::optional<Duration>();
  }
  if (text == "disabled" || text == "-1ns" || text == "-1") {
    return std::optional<Duration>(Cycle::kDisabled);
  }
  StatusOr<Duration> parsed = ParseDuration(text);
  if (!parsed.ok()) {
    return Error(field, std::string(parsed.status().message()) + " (or \"disabled\")");
  }
  if (*parsed <= Duration::zero() || *parsed > kLongest) {
    return Error(field, "must be positive and within " + FormatDuration(kLongest) +
                            ", or \"disabled\", got " + Quote(text));
  }
  return std::optional<Duration>(*parsed);
}

StatusOr<std::vector<PeerRef>> FieldReader::ReadPeers(std::string_view field,
                                                      const PeerRule& rule) {
  const std::string text = message_->GetReflection()->GetString(*message_, Field(field));
  if (text.empty()) {
    if (rule.required) return Error(field, "needs a peer selector");
    return std::vector<PeerRef>{};
  }
  auto peers = ParseSelector(text, context_->counts);
  if (!peers.ok()) return Error(field, std::string(peers.status().message()));
  for (const PeerRef& peer : *peers) {
    const bool allowed = (peer.is_satellite() && rule.satellites) ||
                         (peer.is_storage_node() && rule.storage_nodes) ||
                         (peer.is_uplink() && rule.uplinks);
    if (!allowed) {
      return Error(field, std::string(PeerKindName(peer.kind)) + "s cannot be chosen here" +
                              (rule.why.empty() ? "" : ": " + std::string(rule.why)));
    }
  }
  if (rule.exactly_one && peers->size() != 1) {
    return Error(field, "must name one peer, got " + Quote(text));
  }
  return peers;
}

StatusOr<PeerRef> FieldReader::ReadPeer(std::string_view field, PeerRule rule) {
  rule.exactly_one = true;
  rule.required = true;
  auto peers = ReadPeers(field, rule);
  if (!peers.ok()) return peers.status();
  return peers->front();
}

StatusOr<int> FieldReader::ReadIndex(std::string_view field, PeerKind kind) {
  const auto value = message_->GetReflection()->GetInt32(*message_, Field(field));
  const int count = context_->counts.Of(kind);
  if (value < 0 || value >= count) {
    return Error(field, std::to_string(value) + " is out of range: the planet has " +
                            std::to_string(count) + " " + std::string(PeerKindName(kind)) + "s");
  }
  return value;
}

StatusOr<double> FieldReader::ReadProbability(std::string_view field) {
  const double value = message_->GetReflection()->GetDouble(*message_, Field(field));
  if (!(value >= 0 && value <= 1)) {
    return Error(field, "must be a probability in [0, 1], got " + std::to_string(value));
  }
  return value;
}

StatusOr<std::int64_t> FieldReader::ReadInt(std::string_view field, const IntRule& rule) {
  const FieldDescriptor* descriptor = Field(field);
  const Reflection* reflection = message_->GetReflection();
  std::int64_t value = 0;
  bool too_big = false;
  switch (descriptor->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      value = reflection->GetInt32(*message_, descriptor);
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      value = reflection->GetInt64(*message_, descriptor);
      break;
    default: {  // uint64
      const std::uint64_t raw = reflection->GetUInt64(*message_, descriptor);
      too_big = raw > static_cast<std::uint64_t>(INT64_MAX);
      value = too_big ? INT64_MAX : static_cast<std::int64_t>(raw);
    }
  }
  if (rule.fallback && !Has(field)) {
    value = *rule.fallback;
    if (descriptor->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
      reflection->SetInt32(message_, descriptor, static_cast<std::int32_t>(value));
    } else if (descriptor->cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
      reflection->SetInt64(message_, descriptor, value);
    } else {
      reflection->SetUInt64(message_, descriptor, static_cast<std::uint64_t>(value));
    }
  }
  if (too_big || value < rule.min || value > rule.max) {
    return Error(field, "must be between " + std::to_string(rule.min) + " and " +
                            std::to_string(rule.max) + ", got " +
                            (too_big ? std::to_string(reflection->GetUInt64(*message_, descriptor))
                                     : std::to_string(value)));
  }
  return value;
}

StatusOr<std::string> FieldReader::ReadString(std::string_view field, bool required,
                                              std::string_view fallback) {
  const FieldDescriptor* descriptor = Field(field);
  std::string value = message_->GetReflection()->GetString(*message_, descriptor);
  if (value.empty() && required) return Error(field, "is required");
  if (value.empty() && !fallback.empty()) {
    value = std::string(fallback);
    message_->GetReflection()->SetString(message_, descriptor, value);
  }
  return value;
}

StatusOr<Expectation> FieldReader::ReadExpect(std::string_view field, bool required) {
  Expectation expectation;
  if (!Has(field)) {
    if (required) return Error(field, "needs a bound: eq, ge, le, gt or lt");
    return expectation;
  }
  FieldReader expect = Nested(field);
  struct Named {
    const char* field;
    Bound::Op op;
  };
  for (const Named& named :
       {Named{"eq", Bound::Op::kEq}, Named{"ge", Bound::Op::kGe}, Named{"le", Bound::Op::kLe},
        Named{"gt", Bound::Op::kGt}, Named{"lt", Bound::Op::kLt}}) {
    if (!expect.Has(named.field)) continue;
    const std::int64_t value =
        expect.message().GetReflection()->GetInt64(expect.message(), expect.Field(named.field));
    expectation.bounds.push_back({named.op, value});
  }
  if (expectation.empty()) return Error(field, "needs a bound: eq, ge, le, gt or lt");
  return expectation;
}

StatusOr<int> FieldReader::ReadEnum(std::string_view field, bool required) {
  const FieldDescriptor* descriptor = Field(field);
  const int value = message_->GetReflection()->GetEnumValue(*message_, descriptor);
  const auto* known = descriptor->enum_type()->FindValueByNumber(value);
  std::string names;
  for (int i = 1; i < descriptor->enum_type()->value_count(); ++i) {
    names += (i > 1 ? ", " : "") + descriptor->enum_type()->value(i)->name();
  }
  if (known == nullptr) {
    return Error(field, std::to_string(value) + " is not one of " + names);
  }
  if (value == 0 && required) return Error(field, "is required: " + names);
  return value;
}

StatusOr<std::string> FieldReader::ReadChore(std::string_view field,
                                             const std::vector<PeerRef>& peers) {
  auto chore = ReadString(field, /*required=*/true);
  if (!chore.ok()) return chore.status();
  for (const PeerRef& peer : peers) {
    const auto& names = Planet::ChoreNames(peer.kind);
    if (std::find(names.begin(), names.end(), *chore) != names.end()) continue;
    std::string known;
    for (std::string_view name : names) known += (known.empty() ? "" : ", ") + std::string(name);
    return Error(field, "unknown chore " + Quote(*chore) + " on " + peer.Name() +
                            (known.empty()
                                 ? " (" + std::string(PeerKindName(peer.kind)) + "s have no chores)"
                                 : " (" + known + ")"));
  }
  return *chore;
}

}  // namespace testplanet::scenario
