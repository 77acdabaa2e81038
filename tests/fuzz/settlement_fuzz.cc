// Fuzzes the satellite's settlement endpoint ("orders.Settlement") with streams of arbitrary
// messages from a real node: raw bytes, or a real request with bytes flipped. Every message must
// get an answer for its serial (or end the stream with an error), and nothing may crash.
#include <cstdint>
#include <cstdlib>

#include "fuzz_world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace testplanet;
  fuzz::World& world = fuzz::World::Get();
  if (size == 0) return 0;
  std::vector<std::string> messages;
  if (data[0] % 2 == 0) {
    messages = fuzz::Messages(data + 1, size - 1);
  } else {
    // Flip bytes of a real request: the fuzzer reaches the signature, expiry and amount checks.
    std::string request = world.real_request();
    for (std::size_t i = 1; i + 1 < size; i += 2) {
      request[data[i] % request.size()] ^= static_cast<char>(data[i + 1]);
    }
    messages.push_back(request);
  }
  auto& planet = world.planet();
  const PeerIdentity caller = planet.storage_nodes()[0]->identity().peer();
  const std::vector<std::string> answers =
      world.Serve(planet.satellites()[0]->server(), "orders.Settlement", caller, messages);
  if (answers.size() > messages.size()) std::abort();  // at most one answer per order
  for (const std::string& answer : answers) {
    pb::SettlementResponse response;
    if (!response.ParseFromString(answer)) std::abort();
  }
  return 0;
}
