// Trace: the record of everything that happened in a simulation, and its running digest.
//
// Every fired event and every semantic record (a chore run beginning, a message delivered)
// becomes a TraceRecord. Each record has a 64-bit fingerprint, and the run's digest folds the
// fingerprints in order. The digest is always on and cheap; keeping the records themselves
// (for export, or to find where two runs diverge) is the configurable part.
//
// Stable encoding (changing any of this changes every digest; bump kTraceEncodingVersion):
//   kind id   = StableHash(kind name) (FNV-1a 64 of the UTF-8 name), e.g. "sim.event"
//   name id   = StableHash(name) for chore and peer names carried in fields
//   h1 = (time_ns ^ kind) * K1;  h2 = (seq ^ peer << 40) * K2;  h3 = (a ^ Rotl(b,21) ^ Rotl(c,42))
//   * K3 fingerprint = Mix(h1 ^ Rotl(h2,23) ^ Rotl(h3,47))      (K1..K3: kFingerprintK1..K3 below)
//   digest_0  = kDigestSeed; digest_n = Mix(digest_{n-1} + fingerprint_n)
//   Mix       = Mix64 in hash.h (the MurmurHash3 finalizer); arithmetic is modulo 2^64.
// Promises: the same records in the same order give the same digest on every build and machine.
//
// Kinds are declared once, with TESTPLANET_TRACE_KIND, next to the code that records them; the
// declaration registers the name, so that TraceKindName names every kind a program can record
// (replay and the reports use it) without a list kept by hand.
#ifndef TESTPLANET_SIM_TRACE_H_
#define TESTPLANET_SIM_TRACE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/clock.h"
#include "sim/hash.h"
#include "sim/kind_cache.h"
#include "sim/record_log.h"
#include "sim/trace_record.h"
#include "sim/unique_function.h"

namespace testplanet {

inline constexpr int kTraceEncodingVersion = 1;
inline constexpr std::uint64_t kDigestSeed = 0x74657374706c616eULL;  // "testplan"
inline constexpr std::uint64_t kFingerprintK1 = 0x9e3779b97f4a7c15ULL;
inline constexpr std::uint64_t kFingerprintK2 = 0xc2b2ae3d27d4eb4fULL;
inline constexpr std::uint64_t kFingerprintK3 = 0x165667b19e3779f9ULL;

// A kind of trace record, named ("cycle.run.begin") and identified by the name's stable hash.
struct TraceKind {
  constexpr explicit TraceKind(std::string_view kind_name)
      : id(StableHash(kind_name)), name(kind_name) {}
  std::uint64_t id;
  std::string_view name;
};

// Adds `kind` to the names TraceKindName knows; returns true. Idempotent. Called at static
// initialization by TESTPLANET_TRACE_KIND, never by hand.
bool RegisterTraceKind(const TraceKind& kind);
// The name of the kind with `id`, or "" when no kind with that id is linked into this program.
std::string_view TraceKindName(std::uint64_t id);

// Declares the trace kind `variable` named `kind_name` at namespace scope in a header, and
// registers the name (see TraceKindName):
//   TESTPLANET_TRACE_KIND(kCrash, "planet.crash");
#define TESTPLANET_TRACE_KIND(variable, kind_name)              \
  inline constexpr ::testplanet::TraceKind variable{kind_name}; \
  inline const bool variable##_registered = ::testplanet::RegisterTraceKind(variable)

enum class TraceDetail {
  kDigestOnly,    // fold fingerprints into the digest; keep nothing else
  kFingerprints,  // also keep each record's fingerprint (enough to find where two runs diverge)
  kRecords,       // keep every record instead (for export and debugging), coded compactly
};

class Trace {
 public:
  explicit Trace(TraceDetail detail = TraceDetail::kDigestOnly) : detail_(detail) {}

  static std::uint64_t Fingerprint(const TraceRecord& r) {
    // Three independent products (they overlap in the pipeline), then one full mix.
    const std::uint64_t h1 = (static_cast<std::uint64_t>(r.time_ns) ^ r.kind) * kFingerprintK1;
    const std::uint64_t h2 = (r.seq ^ (static_cast<std::uint64_t>(r.peer) << 40)) * kFingerprintK2;
    const std::uint64_t h3 = (r.a ^ Rotl64(r.b, 21) ^ Rotl64(r.c, 42)) * kFingerprintK3;
    return Mix64(h1 ^ Rotl64(h2, 23) ^ Rotl64(h3, 47));
  }

  // Appends a record: folds it into the digest, keeps what the detail level says, and hands it
  // to every listener, in the order they were added.
  void Record(const TraceRecord& record) {
    const std::uint64_t fingerprint = Fingerprint(record);
    digest_ = Mix64(digest_ + fingerprint);
    ++count_;
    if (detail_ != TraceDetail::kDigestOnly) Keep(record, fingerprint);
    for (auto& listener : listeners_) listener(record);
  }

  std::uint64_t digest() const { return digest_; }
  std::uint64_t count() const { return count_; }
  TraceDetail detail() const { return detail_; }
  const RecordLog& records() const { return records_; }
  // Moves the kept records out (the trace keeps none after): a run's reporters take them once,
  // rather than copy what may be most of the process's memory.
  RecordLog TakeRecords() { return std::move(records_); }
  // Sends the kept records' sealed blocks to a file in `directory` as the run goes
  // (RecordLog::SpillTo); false if no file could be made there (they stay in memory).
  bool SpillRecordsTo(const std::string& directory) { return records_.SpillTo(directory); }
  const std::vector<std::uint64_t>& fingerprints() const { return fingerprints_; }

  // At kRecords, keeps only the records whose kind `keep` accepts (a big run's detail level);
  // every record still reaches the digest and the listeners. `keep` is asked once per kind.
  void KeepOnlyKinds(UniqueFunction<bool(std::uint64_t kind)> keep) {
    keep_ = std::move(keep);
    kept_kinds_.Clear();
  }

  // Calls `listener` for every record from now on (an invariant checker, an exporter, a test
  // probe), after the listeners added before it. A listener may record (the new record reaches
  // every listener too); it must not add listeners.
  void AddListener(UniqueFunction<void(const TraceRecord&)> listener) {
    listeners_.push_back(std::move(listener));
  }

  // Remembers `name` so that exporters can turn a name id back into text; returns its id.
  std::uint64_t InternName(std::string_view name);
  // Returns the name for `id`, or "" when it was never interned.
  std::string_view NameOf(std::uint64_t id) const;

  // Registers a peer's name; returns its PeerId (0 is "sim", registered at construction).
  PeerId RegisterPeer(std::string_view name);
  std::string_view PeerName(PeerId peer) const;
  std::size_t peer_count() const { return peer_names_.size(); }
  const std::vector<std::string>& peer_names() const { return peer_names_; }
  const std::map<std::uint64_t, std::string>& names() const { return names_; }

  // Formats a digest the way reports print it: 16 lower-case hex digits.
  static std::string FormatDigest(std::uint64_t digest);

 private:
  void Keep(const TraceRecord& record, std::uint64_t fingerprint);
  bool Keeps(std::uint64_t kind);

  TraceDetail detail_;
  std::uint64_t digest_ = kDigestSeed;
  std::uint64_t count_ = 0;
  RecordLog records_;
  std::vector<std::uint64_t> fingerprints_;
  std::vector<UniqueFunction<void(const TraceRecord&)>> listeners_;
  UniqueFunction<bool(std::uint64_t)> keep_;    // empty: keep every kind
  KindCache<bool> kept_kinds_;                  // keep_'s answer by kind
  std::map<std::uint64_t, std::string> names_;  // ordered: lookups only, never iterated for logic
  std::vector<std::string> peer_names_{"sim"};
};

// Kinds recorded by the kernel. Fields are documented per kind.
namespace trace_kinds {
// A scheduled callback fired. a = label (caller-chosen, 0 for plain timers).
TESTPLANET_TRACE_KIND(kEvent, "sim.event");
// A cycle run began. a = cycle name id, b = CycleRunReason, c = run number (1-based).
TESTPLANET_TRACE_KIND(kCycleRunBegin, "cycle.run.begin");
// A cycle run ended. a = cycle name id, b = StatusCode, c = run number.
TESTPLANET_TRACE_KIND(kCycleRunEnd, "cycle.run.end");
// A tick fell due while the cycle was running and was dropped. a = cycle name id.
TESTPLANET_TRACE_KIND(kCycleTickDropped, "cycle.tick.dropped");
// A cycle stopped. a = cycle name id, b = StatusCode that Run returned.
TESTPLANET_TRACE_KIND(kCycleStopped, "cycle.stopped");
// A lifecycle item's run ended. a = item name id, b = StatusCode.
TESTPLANET_TRACE_KIND(kLifecycleItemExit, "lifecycle.item.exit");
}  // namespace trace_kinds

}  // namespace testplanet

#endif  // TESTPLANET_SIM_TRACE_H_
