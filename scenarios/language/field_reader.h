// FieldReader: reads one message of a scenario file — the planet, a step's action, a check —
// field by field, into typed values, checking each as it goes.
//
// Every read names the field once; when the value is wrong the error is INVALID_ARGUMENT with
// the file, the line and column of the field (or of the message, for a field left out) and the
// field's path: "week.textproto:12:5: step[3].clog.duration: must be positive, got \"0s\"".
// Defaults are written back into the message, so that the resolved scenario (what a run
// directory keeps, and replays) says what ran. Nothing here reads a clock or a file.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_FIELD_READER_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_FIELD_READER_H_

#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/language/judgement.h"
#include "scenarios/language/plan.h"
#include "scenarios/planet/peer_ref.h"
#include "sim/clock.h"
#include "sim/status.h"

namespace testplanet::scenario {

using ParseInfoTree = google::protobuf::TextFormat::ParseInfoTree;

// What every reader of one file knows about the scenario around the message it reads.
struct LoadContext {
  std::string path;     // the file, as given
  PeerCounts counts;    // the planet's peers (known once the planet has been read)
  Duration duration{};  // the run's length (known once `duration` has been read)
};

// Which kinds of peer a selector may name.
struct PeerRule {
  bool satellites = true;
  bool storage_nodes = true;
  bool uplinks = true;
  bool exactly_one = false;   // one peer, not a range
  bool required = true;       // an empty selector is an error
  std::string_view why = "";  // said when a kind is refused: "uplinks keep no data"
};

struct DurationRule {
  bool required = false;
  std::optional<Duration> fallback = {};  // written into an empty field
  bool positive = false;                  // > 0
  bool negative_ok = false;               // else >= 0
  bool within_run = false;                // at most the run's duration
};

struct IntRule {
  std::int64_t min = 0;
  std::int64_t max = INT64_MAX;
  std::optional<std::int64_t> fallback = {};  // written into a field the file leaves out
};

class FieldReader {
 public:
  // Reads `message`, whose fields' places are in `tree` (may be null), found at `at` in the file
  // and named `path` in messages ("step[3].clog").
  FieldReader(const LoadContext& context, google::protobuf::Message& message,
              const ParseInfoTree* tree, Location at, std::string path);

  const LoadContext& context() const { return *context_; }
  // The index of the step or check being read (its element of Scenario.step or .check), -1 at
  // the top; and the step's time when it happens at one (not on an event).
  int index() const { return index_; }
  std::optional<Duration> step_at() const { return step_at_; }
  void set_step_at(Duration at) { step_at_ = at; }
  google::protobuf::Message& message() { return *message_; }
  const std::string& path() const { return path_; }
  Location location() const { return at_; }

  // A reader for the message in `field` (set, or not: an absent one reads as defaults).
  FieldReader Nested(std::string_view field);
  // A reader for element `index` of the repeated message field `field`.
  FieldReader Element(std::string_view field, int index);
  // True iff `field` is set (a message or optional field), or written in the file.
  bool Has(std::string_view field) const;
  // INVALID_ARGUMENT at `field` ("" for the message itself): "file:line:col: path.field: what".
  Status Error(std::string_view field, const std::string& what) const;

  StatusOr<Duration> ReadDuration(std::string_view field, const DurationRule& rule);
  // A chore interval: a positive duration, or "disabled" (also "-1ns", "-1"): Cycle::kDisabled.
  // `fallback_empty` says whether the field may be left out (then nullopt).
  StatusOr<std::optional<Duration>> ReadInterval(std::string_view field, bool required);
  StatusOr<std::vector<PeerRef>> ReadPeers(std::string_view field, const PeerRule& rule);
  StatusOr<PeerRef> ReadPeer(std::string_view field, PeerRule rule);
  // An index of a satellite or an uplink (an int32 field).
  StatusOr<int> ReadIndex(std::string_view field, PeerKind kind);
  StatusOr<double> ReadProbability(std::string_view field);
  StatusOr<std::int64_t> ReadInt(std::string_view field, const IntRule& rule);
  // A string; `fallback` is written into an empty field; `required` refuses one.
  StatusOr<std::string> ReadString(std::string_view field, bool required,
                                   std::string_view fallback = "");
  // The bounds of an Expect message; `required` insists on at least one bound.
  StatusOr<Expectation> ReadExpect(std::string_view field, bool required);
  // An enum's value: refuses numbers the schema does not name, and 0 when `required`.
  StatusOr<int> ReadEnum(std::string_view field, bool required);
  // A chore name that every peer in `peers` has.
  StatusOr<std::string> ReadChore(std::string_view field, const std::vector<PeerRef>& peers);

 private:
  const google::protobuf::FieldDescriptor* Field(std::string_view field) const;
  Location Where(std::string_view field) const;

  const LoadContext* context_;
  google::protobuf::Message* message_;
  const ParseInfoTree* tree_;
  Location at_;
  std::string path_;
  int index_ = -1;
  std::optional<Duration> step_at_;
};

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_FIELD_READER_H_
