#include "scenarios/language/transfers.h"

#include <algorithm>

#include "sim/checked_math.h"

namespace testplanet::scenario {

Awaitable<Status> UploadObject(Planet& planet, int uplink, int satellite, std::string bucket,
                               std::string path, std::int64_t size, int nodes) {
  std::string data(static_cast<std::size_t>(size), static_cast<char>('a' + path.size() % 26));
  auto result = co_await planet.uplinks()
                    .at(static_cast<std::size_t>(uplink))
                    ->Upload(planet.root(), PeerRef::Satellite(satellite).Address(),
                             std::move(bucket), std::move(path), std::move(data), nodes);
  co_return result.ok() ? Status::Ok() : result.status();
}

Awaitable<Status> DownloadObject(Planet& planet, int uplink, int satellite, std::string bucket,
                                 std::string path) {
  auto result = co_await planet.uplinks()
                    .at(static_cast<std::size_t>(uplink))
                    ->Download(planet.root(), PeerRef::Satellite(satellite).Address(),
                               std::move(bucket), std::move(path));
  co_return result.ok() ? Status::Ok() : result.status();
}

StatusOr<TransferEnds> ReadTransferEnds(FieldReader& in) {
  auto uplink = in.ReadIndex("uplink", PeerKind::kUplink);
  if (!uplink.ok()) return uplink.status();
  auto satellite = in.ReadIndex("satellite", PeerKind::kSatellite);
  if (!satellite.ok()) return satellite.status();
  return TransferEnds{*uplink, *satellite};
}

StatusOr<ObjectShape> ReadObjectShape(FieldReader& in) {
  auto size = in.ReadInt("size", {.min = 1, .max = std::int64_t{64} << 20, .fallback = 4096});
  if (!size.ok()) return size.status();
  const int there = in.context().counts.storage_nodes;
  auto nodes = in.ReadInt("nodes", {.min = 1, .max = there, .fallback = std::min(4, there)});
  if (!nodes.ok()) return nodes.status();
  return ObjectShape{*size, static_cast<int>(*nodes)};
}

StepCost TransferCost(std::int64_t size, int nodes, bool download) {
  // An upload: a limit per node from the satellite, a piece to each node, the commit; each piece
  // is held by its node. A download asks the satellite again and reads each piece back.
  constexpr std::uint64_t kEventsPerPiece = 16;
  const std::uint64_t pieces = static_cast<std::uint64_t>(std::max(0, nodes));
  const std::uint64_t events = (pieces + 1) * kEventsPerPiece;
  return {
      .events = download ? 2 * events : events,
      .bytes = SaturatingMul(static_cast<std::uint64_t>(std::max<std::int64_t>(0, size)), pieces)};
}

}  // namespace testplanet::scenario
