#include "peers/identity/identity.h"

#include <gtest/gtest.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "peers/protocol/signing.h"
#include "tests/status_matchers.h"

namespace testplanet {
namespace {

Identity Make(const char* name, std::uint64_t seed = 1) {
  RandomStream stream = Random(seed).Stream(name);
  return Identity::FromStream(stream);
}

TEST(Identity, KeysDeriveFromTheSeedAndIdsFromTheKeys) {
  const Identity a = Make("identity/storagenode0");
  const Identity again = Make("identity/storagenode0");
  const Identity other = Make("identity/storagenode1");
  const Identity reseeded = Make("identity/storagenode0", 2);
  EXPECT_EQ(a.public_key(), again.public_key());
  EXPECT_EQ(a.id(), again.id());
  EXPECT_NE(a.id(), other.id());
  EXPECT_NE(a.id(), reseeded.id());
  EXPECT_EQ(a.id(), NodeId::FromPublicKey(a.public_key()));
  EXPECT_EQ(a.public_key().size(), kPublicKeySize);
  EXPECT_EQ(a.id().Hex().size(), 64u);
  EXPECT_EQ(a.id().Short(), a.id().Hex().substr(0, 8));
}

TEST(Identity, SignaturesAreDeterministicAndVerify) {
  const Identity a = Make("a");
  const std::string signature = a.Sign("hello");
  EXPECT_EQ(signature.size(), kSignatureSize);
  EXPECT_EQ(signature, Make("a").Sign("hello"));
  EXPECT_TRUE(Identity::Verify(a.public_key(), "hello", signature));
  EXPECT_FALSE(Identity::Verify(a.public_key(), "hellO", signature));
  EXPECT_FALSE(Identity::Verify(Make("b").public_key(), "hello", signature));
  EXPECT_FALSE(Identity::Verify(a.public_key(), "hello", "short"));
  EXPECT_FALSE(Identity::Verify("bad key", "hello", signature));
}

TEST(NodeId, ParsesOnlyThirtyTwoBytes) {
  const Identity a = Make("a");
  StatusOr<NodeId> parsed = NodeId::FromBytes(a.id().bytes());
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed, a.id());
  EXPECT_EQ(NodeId::FromBytes("short").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(NodeId().IsZero());
  EXPECT_FALSE(a.id().IsZero());
}

pb::OrderLimit SampleLimit(const Identity& satellite, const Identity& uplink) {
  pb::OrderLimit limit;
  limit.set_serial_number("0123456789abcdef");
  limit.set_satellite_id(std::string(satellite.id().bytes()));
  limit.set_uplink_public_key(uplink.public_key());
  limit.set_storage_node_id(std::string(Make("node").id().bytes()));
  limit.set_piece_id("piece");
  limit.set_limit(4096);
  limit.set_action(pb::PUT);
  limit.set_order_expiration(1'000'000);
  limit.set_bucket_id("bucket");
  return limit;
}

TEST(Signing, OrderLimitsVerifyUntilAnyFieldChanges) {
  const Identity satellite = Make("satellite"), uplink = Make("uplink");
  pb::OrderLimit limit = SampleLimit(satellite, uplink);
  SignOrderLimit(satellite, limit);
  EXPECT_TRUE(VerifyOrderLimitSignature(satellite.public_key(), limit));
  EXPECT_FALSE(VerifyOrderLimitSignature(uplink.public_key(), limit)) << "wrong signer";
  pb::OrderLimit tampered = limit;
  tampered.set_limit(1 << 30);
  EXPECT_FALSE(VerifyOrderLimitSignature(satellite.public_key(), tampered));
  tampered = limit;
  tampered.set_storage_node_id(std::string(Make("other").id().bytes()));
  EXPECT_FALSE(VerifyOrderLimitSignature(satellite.public_key(), tampered));
  // A round trip through the wire keeps the signature valid.
  pb::OrderLimit received;
  ASSERT_TRUE(received.ParseFromString(DeterministicBytes(limit)));
  EXPECT_TRUE(VerifyOrderLimitSignature(satellite.public_key(), received));
}

// The bytes signed are the message's deterministic encoding, whole, at every size: empty, a
// few bytes (kept inside the string itself), and past the coded stream's buffers.
TEST(Signing, DeterministicBytesAreTheWholeDeterministicEncoding) {
  auto reference = [](const google::protobuf::MessageLite& message) {
    std::string out;
    google::protobuf::io::StringOutputStream stream(&out);
    {
      google::protobuf::io::CodedOutputStream coded(&stream);
      coded.SetSerializationDeterministic(true);
      message.SerializeToCodedStream(&coded);
    }
    return out;
  };
  const Identity satellite = Make("satellite"), uplink = Make("uplink");
  pb::Order small;
  small.set_amount(7);
  pb::OrderLimit large = SampleLimit(satellite, uplink);
  large.set_bucket_id(std::string(100'000, 'b'));
  for (const google::protobuf::MessageLite* message :
       {static_cast<const google::protobuf::MessageLite*>(&small),
        static_cast<const google::protobuf::MessageLite*>(&large)}) {
    EXPECT_EQ(DeterministicBytes(*message), reference(*message));
  }
  EXPECT_EQ(DeterministicBytes(pb::Order()), "");
  pb::OrderLimit received;
  ASSERT_TRUE(received.ParseFromString(DeterministicBytes(large)));
  EXPECT_EQ(received.bucket_id().size(), 100'000u);
}

TEST(Signing, OrdersVerifyUntilTheAmountChanges) {
  const Identity uplink = Make("uplink");
  pb::Order order;
  order.set_serial_number("0123456789abcdef");
  order.set_amount(100);
  SignOrder(uplink, order);
  EXPECT_TRUE(VerifyOrderSignature(uplink.public_key(), order));
  order.set_amount(101);
  EXPECT_FALSE(VerifyOrderSignature(uplink.public_key(), order));
}

}  // namespace
}  // namespace testplanet
