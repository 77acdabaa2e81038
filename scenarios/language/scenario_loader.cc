#include "scenarios/language/scenario_loader.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <fstream>
#include <set>
#include <sstream>

#include "peers/storage/store.h"

namespace testplanet::scenario {
namespace {

using google::protobuf::Message;
using google::protobuf::TextFormat;
using ParseInfoTree = google::protobuf::TextFormat::ParseInfoTree;

constexpr int kMaxPeers = 100'000;
// Below this a store would flush on nearly every write: a scenario that means it is a typo.
constexpr std::uint64_t kMinFlushBytes = 1024;

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

// Validates one parsed scenario, reporting the first problem with its place in the file.
class Validator {
 public:
  Validator(const std::string& path, const ParseInfoTree& tree) : path_(path), root_(&tree) {}

  // The location of `field` (element `index` if repeated) of `message`, from `tree`.
  static Location Where(const ParseInfoTree* tree, const Message& message, const char* field,
                        int index = -1) {
    if (tree == nullptr) return {};
    const auto* descriptor = message.GetDescriptor()->FindFieldByName(field);
    if (descriptor == nullptr) return {};
    const auto location = tree->GetLocation(descriptor, index);
    return location.line < 0 ? Location{} : Location{location.line + 1, location.column + 1};
  }
  static const ParseInfoTree* Nested(const ParseInfoTree* tree, const Message& message,
                                     const char* field, int index = -1) {
    if (tree == nullptr) return nullptr;
    const auto* descriptor = message.GetDescriptor()->FindFieldByName(field);
    return descriptor == nullptr ? nullptr : tree->GetTreeForNested(descriptor, index);
  }

  Status Error(Location at, const std::string& field, const std::string& message) const {
    std::string where = path_;
    if (at.line > 0) where += ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
    return InvalidArgumentError(where + ": " + field + ": " + message);
  }

  // Parses a duration field; `allow_empty` gives `fallback` for "".
  StatusOr<Duration> DurationField(const ParseInfoTree* tree, const Message& message,
                                   const char* field, const std::string& value,
                                   const std::string& name, bool positive) const {
    StatusOr<Duration> parsed = ParseDuration(value);
    if (!parsed.ok())
      return Error(Where(tree, message, field), name, std::string(parsed.status().message()));
    if (positive && *parsed <= Duration::zero()) {
      return Error(Where(tree, message, field), name, "must be positive, got \"" + value + "\"");
    }
    if (!positive && *parsed < Duration::zero()) {
      return Error(Where(tree, message, field), name,
                   "must not be negative, got \"" + value + "\"");
    }
    return parsed;
  }

  const ParseInfoTree* root() const { return root_; }

 private:
  std::string path_;
  const ParseInfoTree* root_;
};

Status CheckNodeConfig(const Validator& v, const ParseInfoTree* tree, const NodeConfig& config,
                       const std::string& name) {
  struct Field {
    const char* field;
    const std::string& value;
    bool positive;
  };
  const Field fields[] = {
      {"sender_interval", config.sender_interval(), true},
      {"sender_timeout", config.sender_timeout(), true},
      {"sender_dial_timeout", config.sender_dial_timeout(), true},
      {"cleanup_interval", config.cleanup_interval(), true},
      {"archive_ttl", config.archive_ttl(), false},
      {"max_sleep", config.max_sleep(), false},
      {"contact_interval", config.contact_interval(), true},
  };
  for (const Field& f : fields) {
    if (f.value.empty()) continue;
    // "-1ns" disables a chore, as Storj's interval -1 does.
    if (f.positive && (f.value == "-1ns" || f.value == "-1")) continue;
    auto parsed = v.DurationField(tree, config, f.field, f.value, name + "." + f.field, f.positive);
    if (!parsed.ok()) return parsed.status();
  }
  return Status::Ok();
}

Status CheckExpect(const Validator& v, const ParseInfoTree* tree, const Message& parent,
                   const char* field, const Expect& expect, const std::string& name,
                   bool required) {
  const bool any =
      expect.has_eq() || expect.has_ge() || expect.has_le() || expect.has_gt() || expect.has_lt();
  if (required && !any) {
    return v.Error(Validator::Where(tree, parent, field), name,
                   "needs a bound: eq, ge, le, gt or lt");
  }
  return Status::Ok();
}

}  // namespace

std::string LoadedScenario::StepWhere(int i) const {
  const Location& at = step_locations.at(i);
  return path + ":" + std::to_string(at.line);
}

std::string LoadedScenario::CheckWhere(int i) const {
  const Location& at = check_locations.at(i);
  return path + ":" + std::to_string(at.line);
}

bool KnownChore(const std::string& chore) {
  return chore == "orders.sender" || chore == "orders.cleanup" || chore == "contact.chore";
}

StatusOr<std::vector<std::string>> ExpandSelector(const std::string& selector, int satellites,
                                                  int storage_nodes, int uplinks) {
  struct Kind {
    const char* name;
    int count;
  };
  const Kind kinds[] = {
      {"satellite", satellites}, {"storagenode", storage_nodes}, {"uplink", uplinks}};
  for (const Kind& kind : kinds) {
    const std::string prefix = kind.name;
    if (selector.rfind(prefix, 0) != 0) continue;
    const std::string rest = selector.substr(prefix.size());
    int low = 0, high = kind.count - 1;
    if (rest == "*") {
      // every one
    } else if (!rest.empty() && rest.front() == '[' && rest.back() == ']') {
      const std::string range = rest.substr(1, rest.size() - 2);
      const auto dots = range.find("..");
      if (dots == std::string::npos) break;
      try {
        std::size_t used = 0;
        low = std::stoi(range.substr(0, dots), &used);
        if (used != dots) break;
        const std::string tail = range.substr(dots + 2);
        high = std::stoi(tail, &used);
        if (used != tail.size()) break;
      } catch (const std::exception&) {
        break;
      }
    } else {
      try {
        std::size_t used = 0;
        low = high = std::stoi(rest, &used);
        if (used != rest.size() || rest.empty() || rest[0] == '+' || rest[0] == '-') break;
      } catch (const std::exception&) {
        break;
      }
    }
    if (low < 0 || high >= kind.count || low > high) {
      return InvalidArgumentError("\"" + selector + "\" is out of range: the planet has " +
                                  std::to_string(kind.count) + " " + prefix + "s");
    }
    std::vector<std::string> names;
    for (int i = low; i <= high; ++i) names.push_back(prefix + std::to_string(i));
    if (names.empty()) {
      return InvalidArgumentError("\"" + selector + "\" selects nothing: the planet has no " +
                                  prefix + "s");
    }
    return names;
  }
  return InvalidArgumentError("\"" + selector +
                              "\" is not a peer selector (satellite0, storagenode*, "
                              "storagenode[0..1], uplink0)");
}

StatusOr<LoadedScenario> LoadScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path + ": cannot read the scenario file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return NotFoundError(path + ": error while reading the scenario file");
  return LoadScenarioText(path, text.str());
}

StatusOr<LoadedScenario> LoadScenarioText(const std::string& path, const std::string& text) {
  LoadedScenario loaded;
  loaded.path = path;
  loaded.text = text;
  CollectErrors errors;
  ParseInfoTree tree;
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(text, &loaded.spec)) {
    return InvalidArgumentError(path + ":" + errors.first());
  }
  const Validator v(path, tree);
  Scenario& spec = loaded.spec;

  if (spec.duration().empty()) {
    return v.Error({}, "duration", "is required (how long the run lasts, e.g. \"36h\")");
  }
  auto duration = v.DurationField(&tree, spec, "duration", spec.duration(), "duration", true);
  if (!duration.ok()) return duration.status();
  loaded.duration = *duration;

  // The planet, with defaults.
  PlanetSpec& planet = *spec.mutable_planet();
  const ParseInfoTree* planet_tree = Validator::Nested(&tree, spec, "planet");
  if (!spec.has_planet() || planet.satellites() == 0) {
    if (planet_tree == nullptr || Validator::Where(planet_tree, planet, "satellites").line == 0) {
      planet.set_satellites(1);
    }
  }
  if (Validator::Where(planet_tree, planet, "storage_nodes").line == 0 &&
      planet.storage_nodes() == 0) {
    planet.set_storage_nodes(4);
  }
  if (Validator::Where(planet_tree, planet, "uplinks").line == 0 && planet.uplinks() == 0) {
    planet.set_uplinks(1);
  }
  struct Count {
    const char* field;
    int value;
  };
  for (const Count& c :
       {Count{"satellites", planet.satellites()}, Count{"storage_nodes", planet.storage_nodes()},
        Count{"uplinks", planet.uplinks()}}) {
    if (c.value < 0 || c.value > kMaxPeers) {
      return v.Error(Validator::Where(planet_tree, planet, c.field),
                     std::string("planet.") + c.field,
                     "must be between 0 and " + std::to_string(kMaxPeers));
    }
  }
  if (planet.preset().empty()) planet.set_preset("testplanet");
  if (planet.preset() != "testplanet" && planet.preset() != "release") {
    return v.Error(Validator::Where(planet_tree, planet, "preset"), "planet.preset",
                   "must be \"testplanet\" or \"release\", got \"" + planet.preset() + "\"");
  }
  if (planet.storage().empty()) planet.set_storage("memory");
  if (planet.storage() != "memory" && planet.storage() != "disk") {
    return v.Error(Validator::Where(planet_tree, planet, "storage"), "planet.storage",
                   "must be \"memory\" or \"disk\", got \"" + planet.storage() + "\"");
  }
  if (planet.flush_bytes() == 0) planet.set_flush_bytes(StorageOptions{}.flush_bytes);
  if (planet.flush_bytes() < kMinFlushBytes || planet.flush_bytes() > Store::kMaxFlushBytes) {
    return v.Error(Validator::Where(planet_tree, planet, "flush_bytes"), "planet.flush_bytes",
                   "must be between " + std::to_string(kMinFlushBytes) + " and " +
                       std::to_string(Store::kMaxFlushBytes) + ", got " +
                       std::to_string(planet.flush_bytes()));
  }
  if (Status s = CheckNodeConfig(v, Validator::Nested(planet_tree, planet, "storage_node"),
                                 planet.storage_node(), "planet.storage_node");
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < planet.node_size(); ++i) {
    const auto* node_tree = Validator::Nested(planet_tree, planet, "node", i);
    const std::string name = "planet.node[" + std::to_string(i) + "]";
    auto peers = ExpandSelector(planet.node(i).peer(), 0, planet.storage_nodes(), 0);
    if (!peers.ok()) {
      return v.Error(Validator::Where(node_tree, planet.node(i), "peer"), name + ".peer",
                     std::string(peers.status().message()));
    }
    if (Status s = CheckNodeConfig(v, Validator::Nested(node_tree, planet.node(i), "config"),
                                   planet.node(i).config(), name + ".config");
        !s.ok()) {
      return s;
    }
  }
  const auto* network_tree = Validator::Nested(planet_tree, planet, "network");
  Duration min_latency = std::chrono::milliseconds(1), max_latency = std::chrono::milliseconds(40);
  if (!planet.network().min_latency().empty()) {
    auto d = v.DurationField(network_tree, planet.network(), "min_latency",
                             planet.network().min_latency(), "planet.network.min_latency", false);
    if (!d.ok()) return d.status();
    min_latency = *d;
  }
  if (!planet.network().max_latency().empty()) {
    auto d = v.DurationField(network_tree, planet.network(), "max_latency",
                             planet.network().max_latency(), "planet.network.max_latency", false);
    if (!d.ok()) return d.status();
    max_latency = *d;
  }
  if (min_latency > max_latency) {
    return v.Error(Validator::Where(network_tree, planet.network(), "max_latency"),
                   "planet.network", "max_latency is below min_latency");
  }
  if (!planet.network().jitter().empty()) {
    auto d = v.DurationField(network_tree, planet.network(), "jitter", planet.network().jitter(),
                             "planet.network.jitter", false);
    if (!d.ok()) return d.status();
  }

  auto select = [&](const ParseInfoTree* at_tree, const Message& message, const char* field,
                    const std::string& value, const std::string& name) -> Status {
    if (value.empty()) {
      return v.Error(Validator::Where(at_tree, message, field), name, "needs a peer selector");
    }
    auto peers =
        ExpandSelector(value, planet.satellites(), planet.storage_nodes(), planet.uplinks());
    if (!peers.ok()) {
      return v.Error(Validator::Where(at_tree, message, field), name,
                     std::string(peers.status().message()));
    }
    return Status::Ok();
  };
  auto probability = [&](const ParseInfoTree* at_tree, const Message& message, const char* field,
                         double value, const std::string& name) -> Status {
    if (!(value >= 0 && value <= 1)) {
      return v.Error(Validator::Where(at_tree, message, field), name,
                     "must be a probability in [0, 1], got " + std::to_string(value));
    }
    return Status::Ok();
  };
  auto index_in = [&](const ParseInfoTree* at_tree, const Message& message, const char* field,
                      int value, int count, const std::string& name, const char* kind) -> Status {
    if (value < 0 || value >= count) {
      return v.Error(Validator::Where(at_tree, message, field), name,
                     std::to_string(value) + " is out of range: the planet has " +
                         std::to_string(count) + " " + kind);
    }
    return Status::Ok();
  };

  for (int i = 0; i < spec.step_size(); ++i) {
    Step& step = *spec.mutable_step(i);
    const auto* step_tree = Validator::Nested(&tree, spec, "step", i);
    const Location step_at = Validator::Where(&tree, spec, "step", i);
    loaded.step_locations.push_back(step_at);
    const std::string name = "step[" + std::to_string(i) + "]";
    if (step.at().empty()) step.set_at("0s");
    auto at = v.DurationField(step_tree, step, "at", step.at(), name + ".at", false);
    if (!at.ok()) return at.status();
    if (*at > loaded.duration) {
      return v.Error(Validator::Where(step_tree, step, "at"), name + ".at",
                     "is after the end of the run (" + spec.duration() + ")");
    }
    switch (step.action_case()) {
      case Step::kUpload: {
        Upload& u = *step.mutable_upload();
        const auto* t = Validator::Nested(step_tree, step, "upload");
        if (Status s = index_in(t, u, "uplink", u.uplink(), planet.uplinks(),
                                name + ".upload.uplink", "uplinks");
            !s.ok())
          return s;
        if (Status s = index_in(t, u, "satellite", u.satellite(), planet.satellites(),
                                name + ".upload.satellite", "satellites");
            !s.ok())
          return s;
        if (u.size() == 0) u.set_size(4096);
        if (u.size() < 0 || u.size() > (64 << 20)) {
          return v.Error(Validator::Where(t, u, "size"), name + ".upload.size",
                         "must be 1 byte to 64 MiB");
        }
        if (u.nodes() == 0) u.set_nodes(std::min(4, planet.storage_nodes()));
        if (u.nodes() < 1 || u.nodes() > planet.storage_nodes()) {
          return v.Error(Validator::Where(t, u, "nodes"), name + ".upload.nodes",
                         "must be 1 to the number of storage nodes (" +
                             std::to_string(planet.storage_nodes()) + ")");
        }
        if (u.bucket().empty()) u.set_bucket("bucket");
        if (u.path().empty()) u.set_path("object" + std::to_string(i));
        break;
      }
      case Step::kDownload: {
        Download& d = *step.mutable_download();
        const auto* t = Validator::Nested(step_tree, step, "download");
        if (Status s = index_in(t, d, "uplink", d.uplink(), planet.uplinks(),
                                name + ".download.uplink", "uplinks");
            !s.ok())
          return s;
        if (Status s = index_in(t, d, "satellite", d.satellite(), planet.satellites(),
                                name + ".download.satellite", "satellites");
            !s.ok())
          return s;
        if (d.bucket().empty()) d.set_bucket("bucket");
        if (d.path().empty()) {
          return v.Error(Validator::Where(t, d, "path"), name + ".download.path", "is required");
        }
        break;
      }
      case Step::kTraffic: {
        Traffic& tr = *step.mutable_traffic();
        const auto* t = Validator::Nested(step_tree, step, "traffic");
        if (Status s = index_in(t, tr, "uplink", tr.uplink(), planet.uplinks(),
                                name + ".traffic.uplink", "uplinks");
            !s.ok())
          return s;
        if (Status s = index_in(t, tr, "satellite", tr.satellite(), planet.satellites(),
                                name + ".traffic.satellite", "satellites");
            !s.ok())
          return s;
        if (tr.every().empty()) {
          return v.Error(Validator::Where(step_tree, step, "traffic"), name + ".traffic.every",
                         "is required");
        }
        auto every = v.DurationField(t, tr, "every", tr.every(), name + ".traffic.every", true);
        if (!every.ok()) return every.status();
        if (!tr.until().empty()) {
          auto until = v.DurationField(t, tr, "until", tr.until(), name + ".traffic.until", false);
          if (!until.ok()) return until.status();
        }
        if (tr.size() == 0) tr.set_size(4096);
        if (tr.size() < 0 || tr.size() > (64 << 20)) {
          return v.Error(Validator::Where(t, tr, "size"), name + ".traffic.size",
                         "must be 1 byte to 64 MiB");
        }
        if (tr.nodes() == 0) tr.set_nodes(std::min(4, planet.storage_nodes()));
        if (tr.nodes() < 1 || tr.nodes() > planet.storage_nodes()) {
          return v.Error(Validator::Where(t, tr, "nodes"), name + ".traffic.nodes",
                         "must be 1 to the number of storage nodes");
        }
        if (tr.bucket().empty()) tr.set_bucket("bucket");
        break;
      }
      case Step::kChore: {
        const ChoreControl& c = step.chore();
        const auto* t = Validator::Nested(step_tree, step, "chore");
        if (Status s = select(t, c, "peer", c.peer(), name + ".chore.peer"); !s.ok()) return s;
        if (!KnownChore(c.chore())) {
          return v.Error(
              Validator::Where(t, c, "chore"), name + ".chore.chore",
              "unknown chore \"" + c.chore() + "\" (orders.sender, orders.cleanup, contact.chore)");
        }
        if (c.peer().rfind("storagenode", 0) != 0) {
          return v.Error(Validator::Where(t, c, "peer"), name + ".chore.peer",
                         "chores run on storage nodes (storagenode...)");
        }
        if (c.op() == ChoreControl::OP_UNSPECIFIED) {
          return v.Error(Validator::Where(step_tree, step, "chore"), name + ".chore.op",
                         "is required: PAUSE, RESTART, TRIGGER, CHANGE_INTERVAL or STOP");
        }
        if (c.op() == ChoreControl::CHANGE_INTERVAL) {
          if (c.interval() != "-1ns") {
            auto d =
                v.DurationField(t, c, "interval", c.interval(), name + ".chore.interval", true);
            if (!d.ok()) return d.status();
          }
        }
        break;
      }
      case Step::kPartition:
      case Step::kHeal: {
        const bool heal = step.action_case() == Step::kHeal;
        const Partition& p = heal ? step.heal() : step.partition();
        const char* field = heal ? "heal" : "partition";
        const auto* t = Validator::Nested(step_tree, step, field);
        if (Status s = select(t, p, "a", p.a(), name + "." + field + ".a"); !s.ok()) return s;
        if (Status s = select(t, p, "b", p.b(), name + "." + field + ".b"); !s.ok()) return s;
        break;
      }
      case Step::kDown:
      case Step::kUp: {
        const bool down = step.action_case() == Step::kDown;
        const PeerSelector& p = down ? step.down() : step.up();
        const auto* t = Validator::Nested(step_tree, step, down ? "down" : "up");
        if (Status s = select(t, p, "peer", p.peer(), name + (down ? ".down.peer" : ".up.peer"));
            !s.ok())
          return s;
        break;
      }
      case Step::kLatency: {
        const Latency& l = step.latency();
        const auto* t = Validator::Nested(step_tree, step, "latency");
        if (Status s = select(t, l, "peer", l.peer(), name + ".latency.peer"); !s.ok()) return s;
        auto d = v.DurationField(t, l, "extra", l.extra(), name + ".latency.extra", false);
        if (!d.ok()) return d.status();
        break;
      }
      case Step::kCrash:
      case Step::kStop:
      case Step::kRestart: {
        const PeerSelector& p = step.action_case() == Step::kCrash  ? step.crash()
                                : step.action_case() == Step::kStop ? step.stop()
                                                                    : step.restart();
        const char* field = step.action_case() == Step::kCrash  ? "crash"
                            : step.action_case() == Step::kStop ? "stop"
                                                                : "restart";
        const auto* t = Validator::Nested(step_tree, step, field);
        const std::string what = name + "." + field + ".peer";
        if (Status s = select(t, p, "peer", p.peer(), what); !s.ok()) return s;
        if (p.peer().rfind("uplink", 0) == 0) {
          return v.Error(Validator::Where(t, p, "peer"), what,
                         "uplinks keep no data; crash storage nodes or satellites");
        }
        break;
      }
      case Step::kMessages: {
        const MessageFaults& m = step.messages();
        const auto* t = Validator::Nested(step_tree, step, "messages");
        if (Status s = select(t, m, "peer", m.peer(), name + ".messages.peer"); !s.ok()) return s;
        for (auto [field, value] : {std::pair<const char*, double>{"drop", m.drop()},
                                    {"duplicate", m.duplicate()},
                                    {"reorder", m.reorder()}}) {
          if (Status s = probability(t, m, field, value, name + ".messages." + field); !s.ok()) {
            return s;
          }
        }
        break;
      }
      case Step::kOneWay:
      case Step::kHealOneWay: {
        const bool heal = step.action_case() == Step::kHealOneWay;
        const Partition& p = heal ? step.heal_one_way() : step.one_way();
        const char* field = heal ? "heal_one_way" : "one_way";
        const auto* t = Validator::Nested(step_tree, step, field);
        if (Status s = select(t, p, "a", p.a(), name + "." + field + ".a"); !s.ok()) return s;
        if (Status s = select(t, p, "b", p.b(), name + "." + field + ".b"); !s.ok()) return s;
        break;
      }
      case Step::kClog: {
        const Clog& c = step.clog();
        const auto* t = Validator::Nested(step_tree, step, "clog");
        if (Status s = select(t, c, "a", c.a(), name + ".clog.a"); !s.ok()) return s;
        if (Status s = select(t, c, "b", c.b(), name + ".clog.b"); !s.ok()) return s;
        auto d = v.DurationField(t, c, "duration", c.duration(), name + ".clog.duration", true);
        if (!d.ok()) return d.status();
        break;
      }
      case Step::kHold:
      case Step::kRelease: {
        const bool hold = step.action_case() == Step::kHold;
        const PeerSelector& p = hold ? step.hold() : step.release();
        const auto* t = Validator::Nested(step_tree, step, hold ? "hold" : "release");
        if (Status s = select(t, p, "peer", p.peer(),
                              name + (hold ? ".hold.peer" : ".release.peer"));
            !s.ok())
          return s;
        break;
      }
      case Step::kDialFailure: {
        const DialFailure& d = step.dial_failure();
        const auto* t = Validator::Nested(step_tree, step, "dial_failure");
        if (Status s = select(t, d, "peer", d.peer(), name + ".dial_failure.peer"); !s.ok()) {
          return s;
        }
        if (Status s = probability(t, d, "probability", d.probability(),
                                   name + ".dial_failure.probability");
            !s.ok())
          return s;
        break;
      }
      case Step::kClock: {
        ClockSkew& c = *step.mutable_clock();
        const auto* t = Validator::Nested(step_tree, step, "clock");
        if (Status s = select(t, c, "peer", c.peer(), name + ".clock.peer"); !s.ok()) return s;
        if (c.offset().empty()) c.set_offset("0s");
        auto offset = ParseDuration(c.offset());
        if (!offset.ok()) {
          return v.Error(Validator::Where(t, c, "offset"), name + ".clock.offset",
                         std::string(offset.status().message()));
        }
        if (c.drift_ppm() < -1'000'000 || c.drift_ppm() > 1'000'000) {
          return v.Error(Validator::Where(t, c, "drift_ppm"), name + ".clock.drift_ppm",
                         "must be within -1000000..1000000 (a clock at most twice as fast, or "
                         "stopped)");
        }
        break;
      }
      case Step::kDisk: {
        const DiskFaults& d = step.disk();
        const auto* t = Validator::Nested(step_tree, step, "disk");
        if (Status s = select(t, d, "peer", d.peer(), name + ".disk.peer"); !s.ok()) return s;
        if (d.peer().rfind("uplink", 0) == 0) {
          return v.Error(Validator::Where(t, d, "peer"), name + ".disk.peer",
                         "uplinks have no disk; choose storage nodes or satellites");
        }
        for (auto [field, value] :
             {std::pair<const char*, double>{"write", d.write()},
              {"sync", d.sync()},
              {"read", d.read()}}) {
          if (Status s = probability(t, d, field, value, name + ".disk." + field); !s.ok()) {
            return s;
          }
        }
        break;
      }
      case Step::ACTION_NOT_SET:
        return v.Error(step_at, name,
                       "has no action (upload, download, traffic, chore, partition, heal, down, "
                       "up, latency, crash, stop, restart, messages, one_way, heal_one_way, clog, hold, "
                       "release, dial_failure, clock, disk)");
    }
  }
  if (spec.has_quiesce()) {
    const auto* t = Validator::Nested(&tree, spec, "quiesce");
    const Quiesce& q = spec.quiesce();
    if (q.at().empty()) {
      return v.Error(Validator::Where(&tree, spec, "quiesce"), "quiesce.at",
                     "is required (when faults stop)");
    }
    auto at = v.DurationField(t, q, "at", q.at(), "quiesce.at", false);
    if (!at.ok()) return at.status();
    if (*at >= loaded.duration) {
      return v.Error(Validator::Where(t, q, "at"), "quiesce.at",
                     "must be before the end of the run (" + spec.duration() +
                         "), leaving time for orders to settle");
    }
  }

  for (int i = 0; i < spec.check_size(); ++i) {
    Check& check = *spec.mutable_check(i);
    const auto* check_tree = Validator::Nested(&tree, spec, "check", i);
    const Location check_at = Validator::Where(&tree, spec, "check", i);
    loaded.check_locations.push_back(check_at);
    const std::string name = "check[" + std::to_string(i) + "]";
    if (check.at().empty()) check.set_at(spec.duration());
    auto at = v.DurationField(check_tree, check, "at", check.at(), name + ".at", false);
    if (!at.ok()) return at.status();
    if (*at > loaded.duration) {
      return v.Error(Validator::Where(check_tree, check, "at"), name + ".at",
                     "is after the end of the run (" + spec.duration() + ")");
    }
    switch (check.what_case()) {
      case Check::kOrders: {
        const OrderCheck& o = check.orders();
        const auto* t = Validator::Nested(check_tree, check, "orders");
        if (Status s = select(t, o, "peer", o.peer(), name + ".orders.peer"); !s.ok()) return s;
        if (o.peer().rfind("storagenode", 0) != 0) {
          return v.Error(Validator::Where(t, o, "peer"), name + ".orders.peer",
                         "must select storage nodes");
        }
        const bool any = o.has_unsent() || o.has_accepted() || o.has_rejected() || o.has_archived();
        if (!any) {
          return v.Error(check_at, name + ".orders",
                         "needs unsent, accepted, rejected or archived");
        }
        for (const auto& [field, expect] :
             {std::pair{"unsent", &o.unsent()}, std::pair{"accepted", &o.accepted()},
              std::pair{"rejected", &o.rejected()}, std::pair{"archived", &o.archived()}}) {
          const bool present = (std::string(field) == "unsent" && o.has_unsent()) ||
                               (std::string(field) == "accepted" && o.has_accepted()) ||
                               (std::string(field) == "rejected" && o.has_rejected()) ||
                               (std::string(field) == "archived" && o.has_archived());
          if (!present) continue;
          if (Status s = CheckExpect(v, t, o, field, *expect, name + ".orders." + field, true);
              !s.ok())
            return s;
        }
        break;
      }
      case Check::kChoreRuns: {
        const ChoreCheck& c = check.chore_runs();
        const auto* t = Validator::Nested(check_tree, check, "chore_runs");
        if (Status s = select(t, c, "peer", c.peer(), name + ".chore_runs.peer"); !s.ok()) return s;
        if (!KnownChore(c.chore())) {
          return v.Error(Validator::Where(t, c, "chore"), name + ".chore_runs.chore",
                         "unknown chore \"" + c.chore() + "\"");
        }
        if (Status s = CheckExpect(v, t, c, "runs", c.runs(), name + ".chore_runs.runs",
                                   !c.has_last_run());
            !s.ok()) {
          return s;
        }
        if (c.has_last_run()) {
          const auto* w = Validator::Nested(t, c, "last_run");
          const TimeWindow& window = c.last_run();
          if (window.not_before().empty() && window.not_after().empty()) {
            return v.Error(Validator::Where(t, c, "last_run"), name + ".chore_runs.last_run",
                           "needs not_before or not_after");
          }
          for (const auto& [field, value] : {std::pair{"not_before", &window.not_before()},
                                             std::pair{"not_after", &window.not_after()}}) {
            if (value->empty()) continue;
            auto d = v.DurationField(w, window, field, *value,
                                     name + ".chore_runs.last_run." + field, false);
            if (!d.ok()) return d.status();
          }
        }
        break;
      }
      case Check::kRollup: {
        const RollupCheck& r = check.rollup();
        const auto* t = Validator::Nested(check_tree, check, "rollup");
        if (Status s = index_in(t, r, "satellite", r.satellite(), planet.satellites(),
                                name + ".rollup.satellite", "satellites");
            !s.ok())
          return s;
        if (r.node().empty() == r.bucket().empty()) {
          return v.Error(check_at, name + ".rollup", "needs exactly one of node and bucket");
        }
        if (!r.node().empty()) {
          if (Status s = select(t, r, "node", r.node(), name + ".rollup.node"); !s.ok()) return s;
        }
        if (Status s = CheckExpect(v, t, r, "bytes", r.bytes(), name + ".rollup.bytes", true);
            !s.ok())
          return s;
        break;
      }
      case Check::WHAT_NOT_SET:
        return v.Error(check_at, name, "has nothing to check (orders, chore_runs, rollup)");
    }
    if (check.name().empty()) check.set_name(name);
  }
  if (spec.name().empty()) {
    const auto slash = path.find_last_of('/');
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    const auto dot = base.find('.');
    spec.set_name(dot == std::string::npos ? base : base.substr(0, dot));
  }
  return loaded;
}

}  // namespace testplanet::scenario
