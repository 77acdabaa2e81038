// StaticTrust's list: in satellite-ID order, rebuilt after every change, and a list already
// taken stays whole (a contact run awaits between satellites while the scenario may change
// trust).
#include "fakes/static_trust.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace testplanet::fakes {
namespace {

storagenode::TrustedSatellite Satellite(std::uint8_t first_byte, std::string address) {
  std::array<std::uint8_t, kNodeIdSize> bytes{};
  bytes[0] = first_byte;
  return {PeerIdentity{NodeId(bytes), std::string(32, static_cast<char>(first_byte))},
          std::move(address)};
}

std::vector<std::string> Addresses(const std::vector<storagenode::TrustedSatellite>& list) {
  std::vector<std::string> out;
  out.reserve(list.size());
  for (const storagenode::TrustedSatellite& satellite : list) out.push_back(satellite.address);
  return out;
}

TEST(StaticTrust, ListsSatellitesInIdOrderWhateverTheOrderAdded) {
  StaticTrust trust;
  trust.Add(Satellite(3, "sat-c:7777"));
  trust.Add(Satellite(1, "sat-a:7777"));
  trust.Add(Satellite(2, "sat-b:7777"));
  EXPECT_EQ(Addresses(*trust.List()),
            (std::vector<std::string>{"sat-a:7777", "sat-b:7777", "sat-c:7777"}));
}

TEST(StaticTrust, AListTakenBeforeAChangeStaysWholeAndTheNextShowsIt) {
  StaticTrust trust;
  trust.Add(Satellite(1, "sat-a:7777"));
  trust.Add(Satellite(2, "sat-b:7777"));
  const auto before = trust.List();
  EXPECT_EQ(trust.List(), before);  // nothing changed: the same list, not a copy

  trust.Remove(Satellite(1, "").identity.id);
  trust.Add(Satellite(3, "sat-c:7777"));
  trust.Add(Satellite(2, "sat-b:8888"));  // moved
  EXPECT_EQ(Addresses(*before), (std::vector<std::string>{"sat-a:7777", "sat-b:7777"}));
  EXPECT_EQ(Addresses(*trust.List()), (std::vector<std::string>{"sat-b:8888", "sat-c:7777"}));
}

TEST(StaticTrust, AnEmptyTrustListsNothingAndLooksNothingUp) {
  StaticTrust trust;
  ASSERT_NE(trust.List(), nullptr);
  EXPECT_TRUE(trust.List()->empty());
  EXPECT_EQ(trust.Lookup(Satellite(1, "").identity.id).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace testplanet::fakes
