#!/usr/bin/env bash
# clang-tidy over our C++ sources with the checks in .clang-tidy (bugprone-*, performance-*, a
# few readability ones; every finding is an error). Needs a configured build for its
# compile_commands.json (CI uses the asan build's). clang parses Boost.Asio's coroutines only
# when told it has them. CI checks the code under sim/ peers/ fakes/ scenarios/ (about 6 minutes
# on 2 cores: every file parses Boost.Asio, Protobuf and RocksDB headers); --with-tests adds
# tests/.
# Usage: ci/tidy.sh [--with-tests] [BUILD_DIR]   (default build/dev, else build/asan)
# Exit: 0 clean, 1 findings, 2 cannot run.
set -uo pipefail
cd "$(dirname "$0")/.."
patterns=('sim/*.cc' 'peers/*.cc' 'fakes/*.cc' 'scenarios/*.cc')
if [ "${1:-}" = "--with-tests" ]; then
  patterns+=('tests/*.cc')
  shift
fi
if [ $# -gt 0 ]; then
  build=$1
elif [ -f build/dev/compile_commands.json ]; then
  build=build/dev
else
  build=build/asan
fi
if ! command -v clang-tidy >/dev/null 2>&1; then
  echo "tidy: clang-tidy is not installed (ci/deps.sh installs it)" >&2
  exit 2
fi
if [ ! -f "$build/compile_commands.json" ]; then
  echo "tidy: no $build/compile_commands.json; configure that build first" >&2
  exit 2
fi
mapfile -t files < <(git ls-files "${patterns[@]}" | grep -v -e '^tests/fuzz/' -e '^tests/bench/')
log=$(mktemp)
trap 'rm -f "$log"' EXIT
printf '%s\n' "${files[@]}" |
  xargs -P "$(nproc 2>/dev/null || echo 2)" -n 2 clang-tidy -p "$build" --quiet \
    --extra-arg=-DBOOST_ASIO_HAS_CO_AWAIT --extra-arg=-DBOOST_ASIO_HAS_STD_COROUTINE \
    --extra-arg=-Wno-unknown-warning-option \
    >"$log" 2>&1
status=$?
findings=$(grep -cE '(error|warning): .*\[' "$log")
if [ "$findings" -gt 0 ]; then
  grep -E '(error|warning): .*\[' -A2 "$log"
  echo "tidy: $findings findings in ${#files[@]} files"
  exit 1
fi
if [ "$status" -ne 0 ]; then
  cat "$log"
  echo "tidy: clang-tidy failed (exit $status)"
  exit 2
fi
echo "tidy: ${#files[@]} files clean"
