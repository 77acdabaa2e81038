#include "sim/trace.h"

#include <gtest/gtest.h>

#include <vector>

namespace testplanet {
namespace {

TraceRecord SampleRecord() {
  return TraceRecord{
      15'000'000'000, 7, 2, trace_kinds::kCycleRunBegin.id, StableHash("orders.sender"), 2, 3};
}

// The digest encoding is documented in trace.h; these values come from an independent Python
// model of that text, so a change to the encoding cannot slip through unnoticed.
TEST(Trace, EncodingMatchesTheDocumentedKnownAnswers) {
  EXPECT_EQ(trace_kinds::kCycleRunBegin.id, 0x58a161fcbd581c69ULL);
  EXPECT_EQ(Trace::Fingerprint(SampleRecord()), 0x10643934cb80c014ULL);
  Trace trace;
  EXPECT_EQ(trace.digest(), kDigestSeed);
  trace.Record(SampleRecord());
  EXPECT_EQ(trace.digest(), 0xc39e6743345c9d5fULL);
  EXPECT_EQ(Trace::FormatDigest(trace.digest()), "c39e6743345c9d5f");
}

TEST(Trace, EveryFieldAndTheOrderOfRecordsChangeTheDigest) {
  auto digest_of = [](std::initializer_list<TraceRecord> records) {
    Trace trace;
    for (const auto& r : records) trace.Record(r);
    return trace.digest();
  };
  const TraceRecord base = SampleRecord();
  const auto d = digest_of({base});
  auto changed = [&](auto mutate) {
    TraceRecord r = base;
    mutate(r);
    return digest_of({r});
  };
  EXPECT_NE(d, changed([](TraceRecord& r) { r.time_ns += 1; }));
  EXPECT_NE(d, changed([](TraceRecord& r) { r.seq += 1; }));
  EXPECT_NE(d, changed([](TraceRecord& r) { r.peer += 1; }));
  EXPECT_NE(d, changed([](TraceRecord& r) { r.kind = trace_kinds::kCycleRunEnd.id; }));
  EXPECT_NE(d, changed([](TraceRecord& r) { r.a += 1; }));
  EXPECT_NE(d, changed([](TraceRecord& r) { r.b += 1; }));
  EXPECT_NE(d, changed([](TraceRecord& r) { r.c += 1; }));
  TraceRecord other = base;
  other.seq = 99;
  EXPECT_NE(digest_of({base, other}), digest_of({other, base}));
}

TEST(Trace, DetailLevelsKeepWhatTheySay) {
  Trace digest_only(TraceDetail::kDigestOnly), prints(TraceDetail::kFingerprints),
      full(TraceDetail::kRecords);
  for (Trace* t : {&digest_only, &prints, &full}) {
    t->Record(SampleRecord());
    t->Record(SampleRecord());
  }
  EXPECT_EQ(digest_only.digest(), full.digest()) << "detail never changes the digest";
  EXPECT_EQ(prints.digest(), full.digest());
  EXPECT_TRUE(digest_only.records().empty());
  EXPECT_TRUE(digest_only.fingerprints().empty());
  EXPECT_EQ(prints.fingerprints().size(), 2u);
  EXPECT_TRUE(prints.records().empty());
  EXPECT_EQ(full.records().size(), 2u);
  EXPECT_TRUE(full.fingerprints().empty()) << "records are enough to find a divergence";
  EXPECT_EQ(full.count(), 2u);
}

TEST(Trace, KeepOnlyKindsFiltersWhatIsKeptButNotTheDigestOrTheListeners) {
  Trace all(TraceDetail::kRecords), some(TraceDetail::kRecords);
  int asked = 0;
  some.KeepOnlyKinds([&asked](std::uint64_t kind) {
    ++asked;
    return kind == trace_kinds::kCycleRunBegin.id;
  });
  int heard = 0;
  some.AddListener([&heard](const TraceRecord&) { ++heard; });
  TraceRecord event = SampleRecord();
  event.kind = trace_kinds::kEvent.id;
  for (Trace* t : {&all, &some}) {
    for (int i = 0; i < 3; ++i) {
      t->Record(event);
      t->Record(SampleRecord());
    }
  }
  EXPECT_EQ(some.digest(), all.digest()) << "what is kept never changes the digest";
  EXPECT_EQ(some.count(), 6u);
  EXPECT_EQ(heard, 6);
  EXPECT_EQ(all.records().size(), 6u);
  ASSERT_EQ(some.records().size(), 3u);
  for (const TraceRecord& r : some.records()) EXPECT_EQ(r.kind, trace_kinds::kCycleRunBegin.id);
  EXPECT_EQ(asked, 2) << "asked once per kind";
}

TEST(Trace, EveryListenerSeesEveryRecordInTheOrderTheyWereAdded) {
  Trace trace;
  std::vector<int> seen;
  trace.AddListener([&](const TraceRecord& r) { seen.push_back(r.seq == 7 ? 1 : -1); });
  trace.AddListener([&](const TraceRecord& r) { seen.push_back(r.seq == 7 ? 2 : -2); });
  trace.Record(SampleRecord());
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
}

namespace test_kinds {
TESTPLANET_TRACE_KIND(kDeclaredHere, "test.declared.here");
}  // namespace test_kinds

TEST(Trace, EveryDeclaredKindIsNamedWithoutAListKeptByHand) {
  EXPECT_EQ(TraceKindName(test_kinds::kDeclaredHere.id), "test.declared.here");
  EXPECT_EQ(TraceKindName(trace_kinds::kCycleRunBegin.id), "cycle.run.begin");
  EXPECT_EQ(TraceKindName(StableHash("never.declared")), "");
}

TEST(Trace, NamesAndPeersAreRemembered) {
  Trace trace;
  const auto id = trace.InternName("orders.sender");
  EXPECT_EQ(id, StableHash("orders.sender"));
  EXPECT_EQ(trace.NameOf(id), "orders.sender");
  EXPECT_EQ(trace.NameOf(12345), "");
  EXPECT_EQ(trace.PeerName(kSimulatorPeer), "sim");
  const PeerId node = trace.RegisterPeer("storagenode0");
  EXPECT_EQ(node, 1u);
  EXPECT_EQ(trace.PeerName(node), "storagenode0");
  EXPECT_EQ(trace.PeerName(77), "?");
}

}  // namespace
}  // namespace testplanet
