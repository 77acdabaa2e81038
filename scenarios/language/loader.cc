#include "scenarios/language/loader.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "scenarios/language/field_reader.h"
#include "scenarios/language/read_file.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/utf8.h"

namespace testplanet::scenario {
namespace {

using google::protobuf::TextFormat;

class CollectErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (first_.empty()) {
      first_ = std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message;
    }
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

// Every string the file sets (escapes like "\377" included) must be UTF-8: names reach JSON,
// XML and SVG reports. The first that is not is refused at its line:col.
Status CheckStrings(const std::string& path, const google::protobuf::Message& message,
                    const ParseInfoTree* tree, const std::string& prefix) {
  using google::protobuf::FieldDescriptor;
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const int count = field->is_repeated() ? reflection->FieldSize(message, field) : 1;
    for (int i = 0; i < count; ++i) {
      const int index = field->is_repeated() ? i : -1;
      const std::string name = prefix + field->name();
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        const std::string value = index < 0 ? reflection->GetString(message, field)
                                            : reflection->GetRepeatedString(message, field, i);
        if (ValidUtf8(value)) continue;
        const auto at = tree != nullptr ? tree->GetLocation(field, index)
                                        : google::protobuf::TextFormat::ParseLocation();
        std::string where = path;
        where += ":" + std::to_string(at.line + 1);
        where += ":" + std::to_string(at.column + 1);
        where += ": " + name + ": is not valid UTF-8";
        return InvalidArgumentError(where);
      }
      if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
      const auto& nested = index < 0 ? reflection->GetMessage(message, field)
                                     : reflection->GetRepeatedMessage(message, field, i);
      const ParseInfoTree* nested_tree =
          tree != nullptr ? tree->GetTreeForNested(field, index) : nullptr;
      if (Status s = CheckStrings(path, nested, nested_tree, name + "."); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

// A name that is safe as a file name and in every report: letters, digits, '.', '_', '-'.
bool SafeName(const std::string& name) {
  if (name.empty() || name.size() > 100 || name == "." || name == "..") return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The file's base name without extensions, made safe.
std::string NameFromPath(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  base = base.substr(0, base.find('.'));
  for (char& c : base) {
    if (!SafeName(std::string(1, c))) c = '_';
  }
  return base.empty() ? "scenario" : base.substr(0, 100);
}

Status LoadNodeSettings(FieldReader in, NodeSettings& out) {
  struct Interval {
    const char* field;
    std::optional<Duration> NodeSettings::*member;
  };
  for (const Interval& each : {Interval{"sender_interval", &NodeSettings::sender_interval},
                               Interval{"cleanup_interval", &NodeSettings::cleanup_interval},
                               Interval{"contact_interval", &NodeSettings::contact_interval}}) {
    auto value = in.ReadInterval(each.field, /*required=*/false);
    if (!value.ok()) return value.status();
    out.*each.member = *value;
  }
  struct Timing {
    const char* field;
    std::optional<Duration> NodeSettings::*member;
    bool positive;
  };
  for (const Timing& each :
       {Timing{"sender_timeout", &NodeSettings::sender_timeout, true},
        Timing{"sender_dial_timeout", &NodeSettings::sender_dial_timeout, true},
        Timing{"archive_ttl", &NodeSettings::archive_ttl, false},
        Timing{"max_sleep", &NodeSettings::max_sleep, false}}) {
    if (!in.Has(each.field)) continue;
    auto value = in.ReadDuration(each.field, {.required = true, .positive = each.positive});
    if (!value.ok()) return value.status();
    out.*each.member = *value;
  }
  return Status::Ok();
}

Status LoadCounts(FieldReader& in, LoadContext& context, PlanetPlan& out) {
  constexpr std::int64_t kMaxPeers = 100'000;
  auto satellites = in.ReadInt("satellites", {.min = 1, .max = kMaxPeers, .fallback = 1});
  if (!satellites.ok()) return satellites.status();
  auto nodes = in.ReadInt("storage_nodes", {.min = 0, .max = kMaxPeers, .fallback = 4});
  if (!nodes.ok()) return nodes.status();
  auto uplinks = in.ReadInt("uplinks", {.min = 0, .max = kMaxPeers, .fallback = 1});
  if (!uplinks.ok()) return uplinks.status();
  out.counts = {static_cast<int>(*satellites), static_cast<int>(*nodes),
                static_cast<int>(*uplinks)};
  context.counts = out.counts;
  return Status::Ok();
}

Status LoadNetwork(FieldReader in, PlanetPlan& out) {
  auto min = in.ReadDuration("min_latency", {.fallback = std::chrono::milliseconds(1)});
  if (!min.ok()) return min.status();
  auto max = in.ReadDuration("max_latency", {.fallback = std::chrono::milliseconds(40)});
  if (!max.ok()) return max.status();
  if (*min > *max) return in.Error("max_latency", "is below min_latency");
  auto jitter = in.ReadDuration("jitter", {});
  if (!jitter.ok()) return jitter.status();
  out.network.min_latency = *min;
  out.network.max_latency = *max;
  out.network.jitter = *jitter;
  return Status::Ok();
}

Status LoadPlanet(FieldReader in, LoadContext& context, PlanetPlan& out) {
  if (Status s = LoadCounts(in, context, out); !s.ok()) return s;
  auto preset = in.ReadString("preset", false, "testplanet");
  if (!preset.ok()) return preset.status();
  if (*preset != "testplanet" && *preset != "release") {
    return in.Error("preset", "must be \"testplanet\" or \"release\", got \"" + *preset + "\"");
  }
  out.release_preset = *preset == "release";
  auto storage = in.ReadString("storage", false, "memory");
  if (!storage.ok()) return storage.status();
  if (*storage != "memory" && *storage != "disk") {
    return in.Error("storage", "must be \"memory\" or \"disk\", got \"" + *storage + "\"");
  }
  out.storage = *storage == "disk" ? StorageMode::kOnDisk : StorageMode::kInMemory;
  auto flush = in.ReadInt("flush_bytes", {.min = 1024,
                                          .max = static_cast<std::int64_t>(Store::kMaxFlushBytes),
                                          .fallback = StorageOptions{}.flush_bytes});
  if (!flush.ok()) return flush.status();
  out.flush_bytes = static_cast<std::uint64_t>(*flush);
  auto spread = in.ReadDuration("start_spread", {.within_run = true});
  if (!spread.ok()) return spread.status();
  out.start_spread = *spread;
  if (Status s = LoadNetwork(in.Nested("network"), out); !s.ok()) return s;
  FieldReader satellite = in.Nested("satellite");
  auto expiration = satellite.ReadDuration(
      "order_expiration", {.fallback = satellite::OrdersConfig{}.expiration, .positive = true});
  if (!expiration.ok()) return expiration.status();
  out.order_expiration = *expiration;
  if (satellite.Has("check_in_wait_period")) {
    auto wait = satellite.ReadDuration("check_in_wait_period", {.required = true});
    if (!wait.ok()) return wait.status();
    out.check_in_wait_period = *wait;
  }
  if (Status s = LoadNodeSettings(in.Nested("storage_node"), out.every_node); !s.ok()) return s;
  const int overrides = static_cast<PlanetSpec&>(in.message()).node_size();
  for (int i = 0; i < overrides; ++i) {
    FieldReader node = in.Element("node", i);
    auto peers = node.ReadPeers("peer", {.satellites = false, .uplinks = false});
    if (!peers.ok()) return peers.status();
    NodeSettings settings;
    if (Status s = LoadNodeSettings(node.Nested("config"), settings); !s.ok()) return s;
    out.overrides.emplace_back(std::move(*peers), settings);
  }
  return Status::Ok();
}

StatusOr<PlannedTrigger> LoadTrigger(FieldReader in) {
  PlannedTrigger trigger;
  auto event = in.ReadString("event", /*required=*/true);
  if (!event.ok()) return event.status();
  trigger.event = FindEvent(*event);
  if (trigger.event == nullptr) {
    std::string known;
    for (const EventDef& each : Events())
      known += (known.empty() ? "" : ", ") + std::string(each.name);
    return in.Error("event", "unknown event \"" + *event + "\" (" + known + ")");
  }
  auto peers = in.ReadPeers("peer", {.required = false});
  if (!peers.ok()) return peers.status();
  trigger.peers = std::move(*peers);
  if (trigger.event->takes_chore) {
    std::vector<PeerRef> owners = trigger.peers;
    if (owners.empty()) owners.push_back(PeerRef::StorageNode(0));
    auto chore = in.ReadChore("chore", owners);
    if (!chore.ok()) return chore.status();
    trigger.chore = *chore;
  } else if (in.Has("chore")) {
    return in.Error("chore", "only chore events (chore.began, chore.ended) take a chore");
  }
  auto count = in.ReadInt("count", {.min = 1, .max = 1'000'000'000, .fallback = 1});
  if (!count.ok()) return count.status();
  trigger.count = static_cast<std::uint64_t>(*count);
  auto after = in.ReadDuration("after", {.within_run = true});
  if (!after.ok()) return after.status();
  trigger.after = *after;
  return trigger;
}

// The names of every kind of step, for "has no action (...)".
std::string StepFields() {
  std::string fields;
  for (const StepKind* kind : Actions().steps()) {
    fields += (fields.empty() ? "" : ", ") + std::string(kind->info().field);
  }
  return fields;
}

StatusOr<PlannedStep> LoadStep(FieldReader in, int index) {
  PlannedStep planned;
  planned.index = index;
  planned.location = in.location();
  Step& step = static_cast<Step&>(in.message());
  if (step.has_on()) {
    if (!step.at().empty())
      return in.Error("on", "a step happens at a time or on an event, not both");
    auto trigger = LoadTrigger(in.Nested("on"));
    if (!trigger.ok()) return trigger.status();
    planned.on = std::move(*trigger);
  } else {
    auto at = in.ReadDuration("at", {.fallback = Duration::zero(), .within_run = true});
    if (!at.ok()) return at.status();
    planned.at = *at;
  }
  const auto* field = step.GetReflection()->GetOneofFieldDescriptor(
      step, Step::descriptor()->FindOneofByName("action"));
  if (field == nullptr) return in.Error("", "has no action (" + StepFields() + ")");
  planned.kind = Actions().FindStep(field->name());
  if (planned.kind == nullptr) return in.Error(field->name(), "has no definition in this build");
  FieldReader action = in.Nested(field->name());
  if (!planned.on) action.set_step_at(planned.at);
  auto loaded = planned.kind->Load(action);
  if (!loaded.ok()) return loaded.status();
  planned.action = std::move(*loaded);
  return planned;
}

StatusOr<PlannedCheck> LoadCheck(FieldReader in, int index) {
  PlannedCheck planned;
  planned.index = index;
  planned.location = in.location();
  Check& check = static_cast<Check&>(in.message());
  auto at = in.ReadDuration("at", {.fallback = in.context().duration, .within_run = true});
  if (!at.ok()) return at.status();
  planned.at = *at;
  const auto* field = check.GetReflection()->GetOneofFieldDescriptor(
      check, Check::descriptor()->FindOneofByName("what"));
  if (field == nullptr) {
    std::string fields;
    for (const CheckKind* kind : Actions().checks()) {
      fields += (fields.empty() ? "" : ", ") + std::string(kind->info().field);
    }
    return in.Error("", "has nothing to check (" + fields + ")");
  }
  planned.kind = Actions().FindCheck(field->name());
  if (planned.kind == nullptr) return in.Error(field->name(), "has no definition in this build");
  FieldReader what = in.Nested(field->name());
  auto loaded = planned.kind->Load(what);
  if (!loaded.ok()) return loaded.status();
  planned.action = std::move(*loaded);
  auto name = in.ReadString("name", false, "check[" + std::to_string(index) + "]");
  if (!name.ok()) return name.status();
  planned.name = *name;
  return planned;
}

// The scenario's own fields: its name, seed, duration and quiesce.
Status LoadTiming(FieldReader& root, LoadContext& context, Plan& plan) {
  auto name = root.ReadString("name", false, NameFromPath(plan.path));
  if (!name.ok()) return name.status();
  if (!SafeName(*name)) {
    return root.Error("name", "must be 1 to 100 letters, digits, '.', '_' or '-' (it names files)");
  }
  plan.name = *name;
  plan.seed = plan.spec.seed() == 0 ? 1 : plan.spec.seed();
  auto duration = root.ReadDuration("duration", {.required = true, .positive = true});
  if (!duration.ok()) {
    return plan.spec.duration().empty()
               ? root.Error("duration", "is required (how long the run lasts, e.g. \"36h\")")
               : duration.status();
  }
  plan.duration = context.duration = *duration;
  plan.unfired_faults_ok = plan.spec.unfired_faults_ok();
  return Status::Ok();
}

Status LoadQuiesce(FieldReader& root, Plan& plan) {
  if (!plan.spec.has_quiesce()) return Status::Ok();
  FieldReader quiesce = root.Nested("quiesce");
  auto at = quiesce.ReadDuration("at", {.required = true});
  if (!at.ok()) return at.status();
  if (*at >= plan.duration) {
    return quiesce.Error("at", "must be before the end of the run (" +
                                   FormatDuration(plan.duration) +
                                   "), leaving time for orders to settle");
  }
  plan.quiesce = *at;
  return Status::Ok();
}

Status LoadTimeline(FieldReader& root, Plan& plan) {
  for (int i = 0; i < plan.spec.step_size(); ++i) {
    auto step = LoadStep(root.Element("step", i), i);
    if (!step.ok()) return step.status();
    plan.steps.push_back(std::move(*step));
  }
  for (int i = 0; i < plan.spec.check_size(); ++i) {
    auto check = LoadCheck(root.Element("check", i), i);
    if (!check.ok()) return check.status();
    plan.checks.push_back(std::move(*check));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<Plan> LoadScenarioText(const std::string& path, const std::string& text) {
  Plan plan;
  plan.path = path;
  plan.text = text;
  CollectErrors errors;
  ParseInfoTree tree;
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(text, &plan.spec)) {
    return InvalidArgumentError(path + ":" + errors.first());
  }
  if (Status s = CheckStrings(path, plan.spec, &tree, ""); !s.ok()) return s;
  LoadContext context{path, {}, {}};
  FieldReader root(context, plan.spec, &tree, {}, "");
  if (Status s = LoadTiming(root, context, plan); !s.ok()) return s;
  if (Status s = LoadPlanet(root.Nested("planet"), context, plan.planet); !s.ok()) return s;
  if (Status s = LoadTimeline(root, plan); !s.ok()) return s;
  if (Status s = LoadQuiesce(root, plan); !s.ok()) return s;
  return plan;
}

StatusOr<Plan> LoadScenarioFile(const std::string& path) {
  auto text = ReadRegularFile(path, kMaxScenarioFileBytes);
  if (!text.ok()) return text.status();
  return LoadScenarioText(path, *text);
}

StatusOr<Plan> LoadScenario(const std::string& path, const Scenario& spec) {
  std::string text;
  TextFormat::PrintToString(spec, &text);
  return LoadScenarioText(path, text);
}

}  // namespace testplanet::scenario
