#include "sim/trace.h"

#include <cstdio>
#include <map>

namespace testplanet {
namespace {

// Every kind linked into the program, by id. Filled during static initialization, read after.
std::map<std::uint64_t, std::string_view>& KnownKinds() {
  static std::map<std::uint64_t, std::string_view> kinds;
  return kinds;
}

}  // namespace

bool RegisterTraceKind(const TraceKind& kind) {
  KnownKinds().try_emplace(kind.id, kind.name);
  return true;
}

std::string_view TraceKindName(std::uint64_t id) {
  const auto& kinds = KnownKinds();
  auto it = kinds.find(id);
  return it == kinds.end() ? std::string_view() : it->second;
}

void Trace::Keep(const TraceRecord& record, std::uint64_t fingerprint) {
  if (detail_ == TraceDetail::kRecords) {
    if (!keep_ || Keeps(record.kind)) records_.Append(record);
  } else {
    fingerprints_.push_back(fingerprint);
  }
}

bool Trace::Keeps(std::uint64_t kind) {
  return kept_kinds_.Get(kind, [&] { return keep_(kind); });
}

std::uint64_t Trace::InternName(std::string_view name) {
  const std::uint64_t id = StableHash(name);
  names_.try_emplace(id, name);
  return id;
}

std::string_view Trace::NameOf(std::uint64_t id) const {
  auto it = names_.find(id);
  return it == names_.end() ? std::string_view() : std::string_view(it->second);
}

PeerId Trace::RegisterPeer(std::string_view name) {
  peer_names_.emplace_back(name);
  return static_cast<PeerId>(peer_names_.size() - 1);
}

std::string_view Trace::PeerName(PeerId peer) const {
  return peer < peer_names_.size() ? std::string_view(peer_names_[peer]) : std::string_view("?");
}

std::string Trace::FormatDigest(std::uint64_t digest) {
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(digest));
  return buffer;
}

}  // namespace testplanet
