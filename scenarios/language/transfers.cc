#include "scenarios/language/transfers.h"

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

}  // namespace testplanet::scenario
