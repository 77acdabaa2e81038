#include "scenarios/cli/unit_costs.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "peers/identity/identity.h"
#include "peers/identity/signature_memo.h"
#include "peers/storage/blob_store.h"
#include "peers/storage/store.h"
#include "peers/work.h"
#include "sim/random.h"

namespace testplanet::cli {
namespace {

// Nanoseconds per call of `fn` over `count` calls.
template <typename Fn>
double NanosEach(int count, Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();  // determinism-ok: unit costs, reports only
  for (int i = 0; i < count; ++i) fn(i);
  const std::chrono::duration<double, std::nano> spent =
      std::chrono::steady_clock::now() - start;  // determinism-ok: unit costs, reports only
  return spent.count() / count;
}

double HeapEventNs() {
  constexpr int kEvents = 200'000;
  using Entry = std::pair<std::int64_t, std::uint64_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  RandomStream random(1);
  std::uint64_t seq = 0;
  const double push = NanosEach(kEvents, [&](int) {
    heap.emplace(static_cast<std::int64_t>(random.Below(3'600'000)) * 1'000'000, ++seq);
  });
  std::int64_t last = 0;
  const double pop = NanosEach(kEvents, [&](int) {
    last = heap.top().first;
    heap.pop();
  });
  return last >= 0 ? push + pop : 0;
}

void MeasureSignatures(report::UnitCosts& costs) {
  constexpr int kMessages = 400;
  RandomStream random(2);
  const Identity identity = Identity::FromStream(random);
  // Distinct messages of about a serialized order limit's size: a triple verified once is
  // remembered (signature_memo.h), and the unit is a real verification.
  std::vector<std::string> messages(kMessages, std::string(160, 'o'));
  for (int i = 0; i < kMessages; ++i) AppendBigEndian64(messages[i], static_cast<std::uint64_t>(i));
  std::vector<std::string> signatures(kMessages);
  costs.sign_ns = NanosEach(kMessages, [&](int i) { signatures[i] = identity.Sign(messages[i]); });
  SignatureMemo::Process().Clear();
  bool valid = true;
  costs.verify_ns = NanosEach(kMessages, [&](int i) {
    valid = Identity::Verify(identity.public_key(), messages[i], signatures[i]) && valid;
  });
  if (!valid) costs.verify_ns = 0;
}

void MeasureStore(report::UnitCosts& costs) {
  StorageOptions options;
  options.in_memory = true;
  options.directory = "/testplanet/unit-costs";
  auto store = Store::Open(options);
  if (!store.ok()) return;
  auto key = [](int i) {
    std::string k = "unit/";
    AppendBigEndian64(k, static_cast<std::uint64_t>(i));
    return k;
  };
  const std::string value(64, 'v');
  costs.db_write_ns = NanosEach(5'000, [&](int i) { (void)(*store)->Put(key(i), value); });
  costs.db_read_ns = NanosEach(5'000, [&](int i) { (void)(*store)->Get(key(i)); });
  costs.db_scan_ns = NanosEach(1'000, [&](int i) {
    (void)(*store)->Scan(key(i * 5), key(i * 5 + 4),
                         [](std::string_view, std::string_view) { return true; });
  });
  BlobStore blobs(**store);
  const std::string piece(4096, 'p');  // the network scenario's pieces
  costs.blob_write_ns = NanosEach(2'000, [&](int i) { (void)blobs.Put(key(i), piece); });
  costs.blob_read_ns = NanosEach(2'000, [&](int i) { (void)blobs.Get(key(i)); });
}

}  // namespace

report::UnitCosts MeasureUnitCosts() {
  const Work before = ProcessWork();  // measuring signs and writes: not the run's work
  report::UnitCosts costs;
  costs.event_ns = HeapEventNs();
  MeasureSignatures(costs);
  MeasureStore(costs);
  ProcessWork() = before;
  return costs;
}

}  // namespace testplanet::cli
