// The signature memo: a check made again, or a check of a signature made here, is answered from
// memory, and nothing but a triple that really verifies is ever answered true (tampered bytes,
// another key, another signature, after the triple was remembered, are each verified for real
// and refused).
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
  // Signed before the constructor's body clears the memo: these checks start unremembered.
  const Identity signer_ = Make("signer");
  const std::string message_ = std::string(160, 'm');
  const std::string signature_ = signer_.Sign(message_);
};

TEST_F(SignatureMemoTest, ASignatureMadeHereIsRememberedAsItIsMade) {
  const std::string message = "an order limit signed just now";
  const std::string signature = signer_.Sign(message);
  EXPECT_TRUE(Identity::Verify(signer_.public_key(), message, signature));
  EXPECT_EQ(ProcessWork().verifications, 0u);
  EXPECT_EQ(ProcessWork().verifications_remembered, 1u);
  // Remembered for the signer's key and those bytes only: everything else is checked for real.
  std::string tampered = message;
  tampered[0] ^= 1;
  EXPECT_FALSE(Identity::Verify(signer_.public_key(), tampered, signature));
  EXPECT_FALSE(Identity::Verify(Make("other").public_key(), message, signature));
  EXPECT_EQ(ProcessWork().verifications, 2u);
  EXPECT_EQ(ProcessWork().verifications_remembered, 1u);
}

// What RememberSigned relies on: libsodium accepts every signature an Identity makes, under that
// identity's public key, for keys from many streams and messages of every length up to 300 bytes
// (the empty message included). Each is checked for real: the memo is cleared first.
TEST_F(SignatureMemoTest, EverySignatureMadeHereVerifiesForReal) {
  int checked = 0;
  for (int key = 0; key < 16; ++key) {
    const Identity identity = Make(("key " + std::to_string(key)).c_str());
    for (std::size_t length = key % 3; length <= 300; length += 7 + key) {
      std::string message(length, '\0');
      for (std::size_t i = 0; i < length; ++i) message[i] = static_cast<char>(i * 31 + key);
      const std::string signature = identity.Sign(message);
      SignatureMemo::Process().Clear();
      EXPECT_TRUE(Identity::Verify(identity.public_key(), message, signature))
          << "key " << key << ", message of " << length << " bytes";
      ++checked;
    }
  }
  EXPECT_EQ(ProcessWork().verifications, static_cast<std::uint64_t>(checked));
  EXPECT_EQ(ProcessWork().verifications_remembered, 0u);
}

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
  SignatureMemo::Process().Clear();  // remembered as signed: checked for real first here
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
