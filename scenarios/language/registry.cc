#include "scenarios/language/registry.h"

#include <google/protobuf/descriptor.h>

#include <string>

namespace testplanet::scenario {
namespace {

// The field of `oneof` in `message` named `field`, or null.
const google::protobuf::FieldDescriptor* OneofField(const google::protobuf::Descriptor* message,
                                                    const char* oneof, std::string_view field) {
  const auto* descriptor = message->FindFieldByName(std::string(field));
  if (descriptor == nullptr || descriptor->containing_oneof() == nullptr ||
      descriptor->containing_oneof()->name() != oneof) {
    return nullptr;
  }
  return descriptor;
}

template <typename Kind>
void AddTo(std::map<int, std::unique_ptr<Kind>>& kinds, std::unique_ptr<Kind> kind,
           const google::protobuf::Descriptor* message, const char* oneof,
           std::vector<std::string>& problems) {
  const std::string_view field = kind->info().field;
  const auto* descriptor = OneofField(message, oneof, field);
  if (descriptor == nullptr) {
    problems.push_back(message->name() + "." + oneof + " has no field \"" + std::string(field) +
                       "\"");
    return;
  }
  if (!kinds.emplace(descriptor->number(), std::move(kind)).second) {
    problems.push_back("two kinds read " + message->name() + "." + std::string(field));
  }
}

template <typename Kind>
std::vector<const Kind*> InOrder(const std::map<int, std::unique_ptr<Kind>>& kinds) {
  std::vector<const Kind*> out;
  out.reserve(kinds.size());
  for (const auto& [number, kind] : kinds) out.push_back(kind.get());
  return out;
}

}  // namespace

void ActionRegistry::Add(std::unique_ptr<StepKind> kind) {
  AddTo(steps_, std::move(kind), Step::descriptor(), "action", problems_);
}

void ActionRegistry::Add(std::unique_ptr<CheckKind> kind) {
  AddTo(checks_, std::move(kind), Check::descriptor(), "what", problems_);
}

const StepKind* ActionRegistry::FindStep(std::string_view field) const {
  const auto* descriptor = OneofField(Step::descriptor(), "action", field);
  if (descriptor == nullptr) return nullptr;
  auto it = steps_.find(descriptor->number());
  return it == steps_.end() ? nullptr : it->second.get();
}

const CheckKind* ActionRegistry::FindCheck(std::string_view field) const {
  const auto* descriptor = OneofField(Check::descriptor(), "what", field);
  if (descriptor == nullptr) return nullptr;
  auto it = checks_.find(descriptor->number());
  return it == checks_.end() ? nullptr : it->second.get();
}

std::vector<const StepKind*> ActionRegistry::steps() const { return InOrder(steps_); }
std::vector<const CheckKind*> ActionRegistry::checks() const { return InOrder(checks_); }

Status ActionRegistry::Validate() const {
  if (!problems_.empty()) return InternalError(problems_.front());
  struct Oneof {
    const google::protobuf::OneofDescriptor* oneof;
    bool (*known)(const ActionRegistry&, const std::string&);
  };
  const Oneof oneofs[] = {
      {Step::descriptor()->FindOneofByName("action"),
       [](const ActionRegistry& r, const std::string& f) { return r.FindStep(f) != nullptr; }},
      {Check::descriptor()->FindOneofByName("what"),
       [](const ActionRegistry& r, const std::string& f) { return r.FindCheck(f) != nullptr; }},
  };
  for (const Oneof& each : oneofs) {
    for (int i = 0; i < each.oneof->field_count(); ++i) {
      const std::string& field = each.oneof->field(i)->name();
      if (!each.known(*this, field)) {
        return InternalError(each.oneof->containing_type()->name() + "." + field +
                             " has no kind in scenarios/language/actions/");
      }
    }
  }
  return Status::Ok();
}

}  // namespace testplanet::scenario
