// The one place that includes Boost.Asio's coroutine headers.
//
// Boost 1.74's <boost/asio/awaitable.hpp> uses std::exchange without including <utility>
// (fails on GCC 12), so <utility> comes first. Include this header, never Asio's directly, in
// code that uses awaitable, co_spawn or use_awaitable. Trap: Asio's own boost::asio::awaitable<T>
// and boost::asio::use_awaitable name the default executor and do not mix with Awaitable; use
// Awaitable and kUseAwaitable (the compiler rejects the mix).
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

// Coroutines run on the io_context's own executor type, not Asio's default any_io_executor:
// every resume and every co_spawn then calls the io_context directly instead of through a
// type-erased executor (a copy, a virtual-like dispatch and a destroy per hop).
using Executor = boost::asio::io_context::executor_type;

template <typename T>
using Awaitable = boost::asio::awaitable<T, Executor>;

// The completion token for async_initiate in code that returns an Awaitable.
using UseAwaitable = boost::asio::use_awaitable_t<Executor>;
inline constexpr UseAwaitable kUseAwaitable{};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_ASIO_H_
