// The signature memo: a check made again is answered from memory, and nothing but a triple that
// really verified is ever answered true (tampered bytes, another key, another signature, after
// the verified triple was remembered, are each verified for real and refused).
#include "peers/identity/signature_memo.h"

#include <gtest/gtest.h>

#include <string>

#include "peers/identity/identity.h"
#include "peers/work.h"

namespace testplanet {
namespace {

Identity Make(const char* name) {
  RandomStream stream = Random(1).Stream(name);
  return Identity::FromStream(stream);
}

class SignatureMemoTest : public ::testing::Test {
 protected:
  SignatureMemoTest() {
    SignatureMemo::Process().Clear();
    ProcessWork() = Work{};
  }
  const Identity signer_ = Make("signer");
  const std::string message_ = std::string(160, 'm');
  const std::string signature_ = signer_.Sign(message_);
};

TEST_F(SignatureMemoTest, AValidTripleCheckedAgainIsRememberedNotVerifiedAgain) {
  EXPECT_TRUE(Identity::Verify(signer_.public_key(), message_, signature_));
  EXPECT_EQ(ProcessWork().verifications, 1u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(Identity::Verify(signer_.public_key(), message_, signature_));
  }
  EXPECT_EQ(ProcessWork().verifications, 1u);
  EXPECT_EQ(ProcessWork().verifications_remembered, 3u);
  SignatureMemo::Process().Clear();
  EXPECT_TRUE(Identity::Verify(signer_.public_key(), message_, signature_));
  EXPECT_EQ(ProcessWork().verifications, 2u) << "a cleared memo still answered";
}

TEST_F(SignatureMemoTest, OnlyTheExactTripleIsRemembered) {
  ASSERT_TRUE(Identity::Verify(signer_.public_key(), message_, signature_));
  std::string tampered = message_;
  tampered.back() ^= 1;
  EXPECT_FALSE(Identity::Verify(signer_.public_key(), tampered, signature_));
  EXPECT_FALSE(Identity::Verify(signer_.public_key(), message_ + "x", signature_));
  EXPECT_FALSE(Identity::Verify(signer_.public_key(), message_.substr(1), signature_));
  EXPECT_FALSE(Identity::Verify(Make("other").public_key(), message_, signature_));
  std::string forged = signature_;
  forged[10] ^= 0x40;
  EXPECT_FALSE(Identity::Verify(signer_.public_key(), message_, forged));
  // The signature moved into the message: another triple (and no signature, refused unchecked).
  EXPECT_FALSE(Identity::Verify(signer_.public_key(), signature_ + message_, ""));
  EXPECT_EQ(ProcessWork().verifications_remembered, 0u);
  EXPECT_EQ(ProcessWork().verifications, 6u);
}

TEST_F(SignatureMemoTest, AFailedCheckIsNeverRemembered) {
  std::string forged = signature_;
  forged[0] ^= 1;
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(Identity::Verify(signer_.public_key(), message_, forged));
  }
  EXPECT_EQ(ProcessWork().verifications, 3u);
  EXPECT_EQ(ProcessWork().verifications_remembered, 0u);
}

// Many triples at once: each answered as libsodium answers it, remembered or not.
TEST_F(SignatureMemoTest, ManyTriplesAreEachAnsweredAsVerificationWould) {
  std::vector<std::string> messages, signatures;
  for (int i = 0; i < 300; ++i) {
    messages.push_back("message " + std::to_string(i));
    signatures.push_back(signer_.Sign(messages.back()));
  }
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 300; ++i) {
      EXPECT_TRUE(Identity::Verify(signer_.public_key(), messages[i], signatures[i]));
      EXPECT_FALSE(Identity::Verify(signer_.public_key(), messages[i], signatures[(i + 1) % 300]));
    }
  }
  EXPECT_EQ(ProcessWork().verifications_remembered, 300u);
  EXPECT_EQ(ProcessWork().verifications, 300u + 600u);
}

}  // namespace
}  // namespace testplanet
