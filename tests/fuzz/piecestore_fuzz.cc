// Fuzzes the storage node's piece store ("piecestore.Upload" and "piecestore.Download"): any
// request bytes from any caller are refused or served, never crash, and never enqueue an order
// whose limit the node did not verify.
#include <cstdint>
#include <cstdlib>

#include "fuzz_world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace testplanet;
  fuzz::World& world = fuzz::World::Get();
  if (size == 0) return 0;
  auto& planet = world.planet();
  auto& node = *planet.storage_nodes()[0];
  const char* method = data[0] % 2 == 0 ? "piecestore.Upload" : "piecestore.Download";
  const std::string request(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto before = node.orders_db().Count();
  const PeerIdentity caller = planet.uplinks()[0]->identity().peer();
  const std::vector<std::string> answers = world.Serve(node.server(), method, caller, {request});
  if (answers.size() > 1) std::abort();
  const auto after = node.orders_db().Count();
  // Random bytes cannot carry the satellite's signature: no order may have been stored.
  if (before.ok() && after.ok() && after->unsent != before->unsent) std::abort();
  return 0;
}
