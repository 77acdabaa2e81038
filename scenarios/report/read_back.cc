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
  StatusOr<double> Number(const char* field, std::optional<double> fallback = {}) const {
    const json* value = Find(field);
    if (value == nullptr) return Missing(field, fallback);
    if (!value->is_number()) return Wrong(field, "a number", *value);
    return value->get<double>();
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

// Reads fields one after another into their places, keeping the first error.
class FirstError {
 public:
  template <typename T>
  void Take(StatusOr<T> value, T& out) {
    if (!status_.ok()) return;
    if (value.ok()) {
      out = *std::move(value);
    } else {
      status_ = value.status();
    }
  }
  void Fail(Status status) {
    if (status_.ok()) status_ = std::move(status);
  }
  const Status& status() const { return status_; }

 private:
  Status status_;
};

Status ReadRunFields(const JsonFields& in, Manifest& m) {
  FirstError read;
  read.Take(in.Text("scenario", ""), m.scenario);
  read.Take(in.Unsigned("seed"), m.seed);
  read.Take(in.Text("digest"), m.digest);
  if (read.status().ok() && !IsDigest(m.digest)) {
    read.Fail(in.Error("digest", "expected 16 hex digits"));
  }
  read.Take(in.Text("scenario_hash"), m.scenario_hash);
  read.Take(in.Text("planted_bug", ""), m.planted_bug);
  read.Take(in.Flag("invariants", true), m.invariants);
  std::string trace;
  read.Take(in.Text("trace", "all"), trace);
  if (read.status().ok()) {
    auto level = scenario::ParseTraceLevel(trace);
    if (level.ok()) {
      m.trace_level = *level;
    } else {
      read.Fail(in.Error("trace", std::string(level.status().message())));
    }
  }
  read.Take(in.Text("build_id", "unknown"), m.build_id);
  std::string stop_at;
  read.Take(in.Text("stop_at", ""), stop_at);
  if (read.status().ok() && !stop_at.empty()) {
    auto parsed = ParseDuration(stop_at);
    if (!parsed.ok() || *parsed < Duration::zero()) {
      read.Fail(in.Error("stop_at", "expected a duration such as 36h, found \"" + stop_at + "\""));
    } else {
      m.stop_at = *parsed;
    }
  }
  read.Take(in.Unsigned("max_events", scenario::Budget::kDefaultEvents), m.budget.events);
  read.Take(in.Unsigned("max_memory_bytes", scenario::Budget::kDefaultMemoryBytes),
            m.budget.memory_bytes);
  return read.status();
}

}  // namespace

StatusOr<Manifest> ReadManifest(const std::string& directory) {
  Manifest manifest;
  manifest.path = directory + "/manifest.json";
  auto fields = JsonFields::Read(manifest.path);
  if (!fields.ok()) return fields.status();
  auto version = fields->Unsigned("testplanet_manifest");
  if (!version.ok()) return version.status();
  if (*version != 1) {
    return fields->Error("testplanet_manifest", "version " + std::to_string(*version) +
                                                    " is not one this build reads (1)");
  }
  if (Status s = ReadRunFields(*fields, manifest); !s.ok()) return s;
  return manifest;
}

StatusOr<SummaryDigest> ReadSummaryDigest(const std::string& directory) {
  auto fields = JsonFields::Read(directory + "/summary.json");
  if (!fields.ok()) return fields.status();
  SummaryDigest summary;
  FirstError read;
  read.Take(fields->Text("digest"), summary.digest);
  read.Take(fields->Unsigned("events"), summary.events);
  read.Take(fields->Number("wall_seconds", 0.0), summary.wall_seconds);
  std::string kind, message, signature;
  read.Take(fields->Text("failure_kind", ""), kind);
  read.Take(fields->Text("failure", ""), message);
  read.Take(fields->Text("signature", ""), signature);
  if (!read.status().ok()) return read.status();
  if (!kind.empty()) summary.failure = RunFailure{kind, message, signature};
  return summary;
}

}  // namespace testplanet::report
