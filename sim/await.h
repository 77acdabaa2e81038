// Await: run a coroutine to completion from test code outside the simulation; AwaitAll: many at
// once.
//
// Spawns `awaitable` and runs the simulation until it finishes or `limit` of virtual time has
// passed. Returns its result, or nullopt when it did not finish (the simulation ran out of
// events, hit the limit, or failed: see sim.status()). Like TriggerWait, it must not be called
// from inside the simulation.
#ifndef TESTPLANET_SIM_AWAIT_H_
#define TESTPLANET_SIM_AWAIT_H_

#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include "sim/asio.h"
#include "sim/simulator.h"

namespace testplanet {

inline constexpr Duration kDefaultAwaitLimit = std::chrono::hours(24 * 7);

template <typename T>
std::optional<T> Await(Simulator& sim, Awaitable<T> awaitable,
                       Duration limit = kDefaultAwaitLimit) {
  auto result = std::make_shared<std::optional<T>>();
  boost::asio::co_spawn(sim.io(), std::move(awaitable),
                        [result, &sim](std::exception_ptr error, T value) {
                          if (error) {
                            sim.Fail(InternalError("awaited coroutine threw"));
                            return;
                          }
                          *result = std::move(value);
                        });
  sim.RunUntil([result] { return result->has_value(); }, limit);
  return std::move(*result);
}

inline bool Await(Simulator& sim, Awaitable<void> awaitable, Duration limit = kDefaultAwaitLimit) {
  auto done = std::make_shared<bool>(false);
  boost::asio::co_spawn(sim.io(), std::move(awaitable), [done, &sim](std::exception_ptr error) {
    if (error) sim.Fail(InternalError("awaited coroutine threw"));
    *done = true;
  });
  return sim.RunUntil([done] { return *done; }, limit) && sim.status().ok();
}

// Spawns every awaitable at once, in the vector's order, and runs until all have finished: they
// overlap in virtual time, so n awaitables that each wait take the longest one's time, not the sum.
inline bool AwaitAll(Simulator& sim, std::vector<Awaitable<void>> awaitables,
                     Duration limit = kDefaultAwaitLimit) {
  auto left = std::make_shared<std::size_t>(awaitables.size());
  for (Awaitable<void>& awaitable : awaitables) {
    boost::asio::co_spawn(sim.io(), std::move(awaitable), [left, &sim](std::exception_ptr error) {
      if (error) sim.Fail(InternalError("awaited coroutine threw"));
      --*left;
    });
  }
  return sim.RunUntil([left] { return *left == 0; }, limit) && sim.status().ok();
}

}  // namespace testplanet

#endif  // TESTPLANET_SIM_AWAIT_H_
