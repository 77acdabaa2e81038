// What the fuzz targets share: a started planet (one satellite, one node, one uplink) whose
// endpoints are fed scripted streams, and a way to cut a fuzz input into messages.
//
// The planet lives for the whole fuzzing process; each input is one call of a real stream
// handler, run to completion on the planet's simulator. Trap: state carries over between inputs
// (settled serials, stored pieces), as it does for a long-running peer.
#ifndef TESTPLANET_TESTS_FUZZ_FUZZ_WORLD_H_
#define TESTPLANET_TESTS_FUZZ_FUZZ_WORLD_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "peers/rpc/transport.h"
#include "scenarios/planet/planet.h"
#include "sim/await.h"

namespace testplanet::fuzz {

// A stream whose incoming messages are given up front; what the handler sends is kept.
class ScriptedStream : public rpc::Stream {
 public:
  explicit ScriptedStream(std::vector<std::string> in) : in_(in.begin(), in.end()) {}
  Awaitable<Status> Send(Context, std::string message) override {
    sent_.push_back(std::move(message));
    co_return Status::Ok();
  }
  Awaitable<StatusOr<std::string>> Recv(Context) override {
    if (in_.empty()) co_return Status(StatusCode::kOutOfRange, "end of stream");
    std::string next = std::move(in_.front());
    in_.pop_front();
    co_return next;
  }
  void CloseSend() override {}
  const std::vector<std::string>& sent() const { return sent_; }

 private:
  std::deque<std::string> in_;
  std::vector<std::string> sent_;
};

// Splits `data` into messages: each is a 1-byte length (0..255) and that many bytes; a short
// tail is the last message.
inline std::vector<std::string> Messages(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < size && out.size() < 64) {
    const std::size_t n = data[i++];
    const std::size_t take = std::min(n, size - i);
    out.emplace_back(reinterpret_cast<const char*>(data + i), take);
    i += take;
  }
  return out;
}

class World {
 public:
  static World& Get() {
    static World* world = new World();  // never destroyed: libFuzzer exits from anywhere
    return *world;
  }

  Planet& planet() { return *planet_; }
  // A real settlement request (a limit and order from an actual upload), for mutation.
  const std::string& real_request() const { return real_request_; }

  // Serves one stream of `messages` with `server`'s `method`, as `caller`.
  std::vector<std::string> Serve(rpc::Server& server, const char* method,
                                 const PeerIdentity& caller, std::vector<std::string> messages) {
    rpc::StreamHandler* handler = server.Find(method);
    if (handler == nullptr) Die(std::string("no handler ") + method);
    ScriptedStream stream(std::move(messages));
    auto done = Await(planet_->sim(), (*handler)(planet_->root(), caller, stream));
    if (!done) Die("the handler did not finish");
    return stream.sent();
  }

 private:
  World() {
    Config config;
    config.satellites = 1;
    config.storage_nodes = 1;
    config.uplinks = 1;
    config.check_invariants = false;  // the fuzzer plays a misbehaving node on purpose
    auto planet = Planet::Create(config);
    if (!planet.ok()) Die(planet.status().ToString());
    planet_ = std::move(*planet);
    if (Status s = planet_->Start(); !s.ok()) Die(s.ToString());
    planet_->storage_nodes()[0]->orders().sender().Pause();
    auto upload = planet_->Upload(0, 0, "bucket", "object", "some data", 1);
    if (!upload.ok()) Die(upload.status().ToString());
    auto listed = planet_->storage_nodes()[0]->orders_db().ListUnsent(1);
    if (!listed.ok() || listed->empty()) Die("no order to start from");
    pb::SettlementRequest request;
    *request.mutable_limit() = (*listed)[0].limit;
    *request.mutable_order() = (*listed)[0].order;
    real_request_ = request.SerializeAsString();
  }
  [[noreturn]] static void Die(const std::string& why) {
    std::fprintf(stderr, "fuzz world: %s\n", why.c_str());
    std::abort();
  }

  std::unique_ptr<Planet> planet_;
  std::string real_request_;
};

}  // namespace testplanet::fuzz

#endif  // TESTPLANET_TESTS_FUZZ_FUZZ_WORLD_H_
