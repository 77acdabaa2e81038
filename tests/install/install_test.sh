#!/usr/bin/env bash
# Installs testplanet from BUILD_DIR into a scratch prefix, then configures, builds and runs a
# separate consumer project against it with find_package(testplanet).
# Usage: install_test.sh BUILD_DIR
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/testplanet/sim/cycle.h"
# The consumer builds with the same compiler and flags as the installed libraries (the asan
# preset's clang and sanitizers, say), as a real consumer of such a build would.
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
cmake -S "$here/consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_COMPILER="$(cache_value CMAKE_CXX_COMPILER)" \
  -DCMAKE_CXX_FLAGS="$(cache_value CMAKE_CXX_FLAGS)" \
  -DCMAKE_EXE_LINKER_FLAGS="$(cache_value CMAKE_EXE_LINKER_FLAGS)" >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/consumer"
# A failing test in the user's suite leaves its run directory, written by the installed library.
if TESTPLANET_OUT="$work/gtest-out" "$work/build/consumer_gtest" >"$work/gtest.txt" 2>&1; then
  echo "consumer_gtest passed, but it fails on purpose" >&2; exit 1
fi
test -f "$work/gtest-out/Consumer.FailsOnPurpose-seed-1/report.html" \
  || { cat "$work/gtest.txt"; echo "no run directory for the failing test" >&2; exit 1; }
grep -q "reproduce: TESTPLANET_SEED=1 $work/build/consumer_gtest --gtest_filter=Consumer.FailsOnPurpose" \
  "$work/gtest.txt" || { cat "$work/gtest.txt"; echo "no reproduce command" >&2; exit 1; }
echo "install: consumer and consumer_gtest (a failing testplanet::Run left its run directory)"
