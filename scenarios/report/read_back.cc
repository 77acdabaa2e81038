#include "scenarios/report/read_back.h"

#include <nlohmann/json.hpp>

#include "scenarios/language/read_file.h"

namespace testplanet::report {
namespace {

using nlohmann::json;

// manifest.json and summary.json are a few KiB; a MiB is generous.
constexpr std::uintmax_t kMaxJsonFileBytes = 1u << 20;

const char* TypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::number_integer:
      return "a negative integer";
    case json::value_t::number_unsigned:
      return "an unsigned integer";
    case json::value_t::number_float:
      return "a number with a fraction";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "something else";
  }
}

// One JSON object read from a file, with typed, checked access to its fields.
class JsonFields {
 public:
  static StatusOr<JsonFields> Read(const std::string& path) {
    auto text = scenario::ReadRegularFile(path, kMaxJsonFileBytes);
    if (!text.ok()) return text.status();
    json value = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) return InvalidArgumentError(path + ": is not valid JSON");
    if (!value.is_object()) {
      return InvalidArgumentError(path + ": expected a JSON object, found " + TypeName(value));
    }
    return JsonFields(path, std::move(value));
  }

  // Required when `fallback` is empty; else a missing (or null) field reads as it.
  StatusOr<std::uint64_t> Unsigned(const char* field,
                                   std::optional<std::uint64_t> fallback = {}) const {
    const json* value = Find(field);
    if (value == nullptr) return Missing(field, fallback);
    if (!value->is_number_unsigned()) return Wrong(field, "an unsigned integer", *value);
    return value->get<std::uint64_t>();
  }
  StatusOr<std::string> Text(const char* field, std::optional<std::string> fallback = {}) const {
    const json* value = Find(field);
    if (value == nullptr) return Missing(field, std::move(fallback));
    if (!value->is_string()) return Wrong(field, "a string", *value);
    return value->get<std::string>();
  }
  StatusOr<bool> Flag(const char* field, std::optional<bool> fallback = {}) const {
    const json* value = Find(field);
    if (value == nullptr) return Missing(field, fallback);
    if (!value->is_boolean()) return Wrong(field, "true or false", *value);
    return value->get<bool>();
  }
  Status Error(const char* field, const std::string& what) const {
    return InvalidArgumentError(path_ + ": " + field + ": " + what);
  }

 private:
  JsonFields(std::string path, json value) : path_(std::move(path)), value_(std::move(value)) {}
  const json* Find(const char* field) const {
    auto it = value_.find(field);
    return it == value_.end() || it->is_null() ? nullptr : &*it;
  }
  template <typename T>
  StatusOr<T> Missing(const char* field, std::optional<T> fallback) const {
    if (fallback) return *std::move(fallback);
    return Error(field, "missing; it is required");
  }
  Status Wrong(const char* field, const char* expected, const json& found) const {
    return Error(field, std::string("expected ") + expected + ", found " + TypeName(found));
  }

  std::string path_;
  json value_;
};

bool IsDigest(const std::string& text) {
  return text.size() == 16 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Reads into `out`, or returns the error, for each field in turn.
#define TESTPLANET_READ(out, expr)            \
  do {                                        \
    auto value_ = (expr);                     \
    if (!value_.ok()) return value_.status(); \
    out = *std::move(value_);                 \
  } while (false)

Status ReadRunFields(const JsonFields& in, Manifest& m) {
  TESTPLANET_READ(m.scenario, in.Text("scenario", ""));
  TESTPLANET_READ(m.seed, in.Unsigned("seed"));
  TESTPLANET_READ(m.digest, in.Text("digest"));
  if (!IsDigest(m.digest)) return in.Error("digest", "expected 16 hex digits");
  TESTPLANET_READ(m.scenario_hash, in.Text("scenario_hash"));
  TESTPLANET_READ(m.planted_bug, in.Text("planted_bug", ""));
  TESTPLANET_READ(m.invariants, in.Flag("invariants", true));
  TESTPLANET_READ(m.build_id, in.Text("build_id", "unknown"));
  std::string stop_at;
  TESTPLANET_READ(stop_at, in.Text("stop_at", ""));
  if (!stop_at.empty()) {
    auto parsed = ParseDuration(stop_at);
    if (!parsed.ok() || *parsed < Duration::zero()) {
      return in.Error("stop_at", "expected a duration such as 36h, found \"" + stop_at + "\"");
    }
    m.stop_at = *parsed;
  }
  TESTPLANET_READ(m.budget.events, in.Unsigned("max_events", scenario::Budget::kDefaultEvents));
  TESTPLANET_READ(m.budget.memory_bytes,
                  in.Unsigned("max_memory_bytes", scenario::Budget::kDefaultMemoryBytes));
  return Status::Ok();
}

}  // namespace

StatusOr<Manifest> ReadManifest(const std::string& directory) {
  Manifest manifest;
  manifest.path = directory + "/manifest.json";
  auto fields = JsonFields::Read(manifest.path);
  if (!fields.ok()) return fields.status();
  std::uint64_t version = 0;
  TESTPLANET_READ(version, fields->Unsigned("testplanet_manifest"));
  if (version != 1) {
    return fields->Error("testplanet_manifest",
                         "version " + std::to_string(version) + " is not one this build reads (1)");
  }
  if (Status s = ReadRunFields(*fields, manifest); !s.ok()) return s;
  return manifest;
}

StatusOr<SummaryDigest> ReadSummaryDigest(const std::string& directory) {
  auto fields = JsonFields::Read(directory + "/summary.json");
  if (!fields.ok()) return fields.status();
  SummaryDigest summary;
  TESTPLANET_READ(summary.digest, fields->Text("digest"));
  TESTPLANET_READ(summary.events, fields->Unsigned("events"));
  return summary;
}

#undef TESTPLANET_READ

}  // namespace testplanet::report
