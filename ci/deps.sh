#!/usr/bin/env bash
# Installs the Debian packages testplanet needs, if any is missing. Idempotent and
# non-interactive; needs root (or sudo) only when something is actually missing.
# Usage: ci/deps.sh [--build-only]
#   (default)      everything the test suite, the linters and the fuzzers need
#   --build-only   only what building the testplanet command needs (the Dockerfile's build stage)
# Exit: 0 ready, 2 something is missing and cannot be installed.
set -euo pipefail

# One line per package, with why it is here (the README's dependency list says more).
build_packages=(
  cmake            # build system (>= 3.25)
  ninja-build      # the generator our presets use
  g++              # C++20 compiler (GCC 12)
  ccache           # faster rebuilds; used automatically when present
  libboost-dev     # Boost.Asio: the coroutine executor
  libgtest-dev     # GoogleTest
  libgmock-dev     # GoogleMock
  libbenchmark-dev # Google Benchmark: kernel and order-path benchmarks
  libprotobuf-dev  # Protobuf: the wire format between peers
  protobuf-compiler # protoc, for peers/protocol/*.proto
  librocksdb-dev   # RocksDB: every peer's store
  libsodium-dev    # Ed25519 signatures and BLAKE2b hashes
  libzstd-dev      # zstd: the run's records compressed in memory and in trace.bin
  pkg-config       # finds libsodium and libzstd
  libcli11-dev     # the testplanet command line
  nlohmann-json3-dev # summary.json, manifest.json, trace.json
  libspdlog-dev    # log.txt
  libjemalloc-dev  # the testplanet command's allocator: 1.5x faster on 10,000-node planets
)
test_packages=(
  clang            # the asan preset: its sanitizers and libFuzzer need clang
  clang-format     # ci/format.sh: formatting is a tool's job
  clang-tidy       # ci/tidy.sh: checks that catch real bugs (.clang-tidy)
  libclang-rt-14-dev # clang's sanitizer runtimes and libFuzzer (the asan preset, ci/fuzz.sh)
  zstd             # tests/scenarios/cli/cli_test.sh edits a record inside trace.bin's zstd frames
  time             # /usr/bin/time: the malformed-input corpus measures each case's memory
  libxml2-utils    # xmllint: junit.xml checked against the JUnit schema, SVG and HTML parsed
  chromium         # report.html and index.html rendered in a real headless browser
  python3-yaml     # tests/recipes: the workflow and Kubernetes files parsed as their tools do
)
packages=("${build_packages[@]}")
case "${1:-}" in
  --build-only) ;;
  "") packages+=("${test_packages[@]}") ;;
  *) echo "ci/deps.sh: unknown argument $1 (usage: ci/deps.sh [--build-only])" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [ "${status:0:2}" = "ii" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "ci/deps.sh: installing ${missing[*]}" >&2
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "ci/deps.sh: missing packages (${missing[*]}) and not root; install them or run as root" >&2
    exit 2
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
