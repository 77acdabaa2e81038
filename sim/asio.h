// The one place that includes Boost.Asio's coroutine headers.
//
// Boost 1.74's <boost/asio/awaitable.hpp> uses std::exchange without including <utility>
// (fails on GCC 12), so <utility> comes first. Include this header, never Asio's directly, in
// code that uses awaitable, co_spawn or use_awaitable.
#ifndef TESTPLANET_SIM_ASIO_H_
#define TESTPLANET_SIM_ASIO_H_

// clang-format off
#include <utility>
#include <boost/asio/awaitable.hpp>
// clang-format on
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace testplanet {

template <typename T>
using Awaitable = boost::asio::awaitable<T>;

}  // namespace testplanet

#endif  // TESTPLANET_SIM_ASIO_H_
