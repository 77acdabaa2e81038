#!/usr/bin/env bash
# The README's second command, and what CI runs: installs what is missing, then checks the
# formatting, builds and tests the two builds CI checks.
#   release  (-O3, as a user's plain build: the whole suite, the slow swarm hunt for planted bugs
#            defaults, no warning allowed)  included (pinned digests must match the other build's)
#   asan     (clang, address + undefined    the whole suite under the sanitizers but for the slow
#            sanitizers, libFuzzer coverage) swarm hunt (a second compiler and -O1: pinned digests
#                                           must match gcc's -O3), then clang-tidy (ci/tidy.sh)
#                                           on this build's compile commands
# Then, with both built, every example (and the 25,000-node network's first 10 virtual minutes)
# must give one digest in both (ci/cross_build_digests.sh), and each libFuzzer target (built by
# the asan preset, so no third build) runs for a while (ci/fuzz.sh; FUZZ_SECONDS, default 20; 0
# skips). The dev preset (debug, gcc) is the developer's loop, not CI's: every check it ran, the
# asan build runs too, under sanitizers; `ci/test.sh dev` still builds and tests it.
# Usage: ci/test.sh [PRESET...]   (default: release asan)
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/deps.sh

presets=("$@")
log=$(mktemp)
trap 'rm -f "$log"' EXIT
[ ${#presets[@]} -gt 0 ] || presets=(release asan)
jobs=$(nproc 2>/dev/null || echo 2)

start=$SECONDS
stage() { echo "=== $1 (at $((SECONDS - start)) s)"; }

stage format
bash ci/format.sh

# Release is configured as a user's plain build is (README: cmake -S . -B b
# -DCMAKE_BUILD_TYPE=Release, every option at its default, so no -Werror), and any warning in
# that -O3 build fails CI: the plain build must build, and build clean.
plain_release() {
  local build_log
  build_log=$(mktemp)
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/release -j "$jobs" 2>&1 | tee "$build_log"
  if grep -q 'warning:' "$build_log"; then
    echo "ci/test.sh: the plain Release build warns:" >&2
    grep -A3 'warning:' "$build_log" >&2
    rm -f "$build_log"
    exit 1
  fi
  rm -f "$build_log"
}

# The first preset other than release gives clang-tidy its compile commands (asan's under clang,
# or dev's when asked) and is the build whose digests must match release's.
other=""
with_release=""
for preset in "${presets[@]}"; do
  if [ "$preset" = release ]; then with_release=yes; elif [ -z "$other" ]; then other=$preset; fi
done

for preset in "${presets[@]}"; do
  stage "$preset: configure and build"
  if [ "$preset" = release ]; then
    plain_release
  else
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$jobs"
  fi
  stage "$preset: test"
  labels=(-LE slow)
  if [ "$preset" = release ]; then labels=(); fi
  ctest --preset "$preset" -j "$jobs" "${labels[@]}" | tee -a "$log"
  if [ "$preset" = "$other" ]; then
    stage "tidy"
    bash ci/tidy.sh "build/$preset"
  fi
done

# Both builds compared were made by this run, not left over from an earlier one.
if [ -n "$with_release" ] && [ -n "$other" ]; then
  stage "determinism across builds"
  bash ci/cross_build_digests.sh "build/$other/bin/testplanet" build/release/bin/testplanet
fi

fuzz_seconds=${FUZZ_SECONDS:-20}
if [ $# -eq 0 ] && [ "$fuzz_seconds" != 0 ]; then
  stage "fuzz: each target for ${fuzz_seconds}s"
  bash ci/fuzz.sh "$fuzz_seconds"
fi

# One closing line for every preset's tests together.
total=$(grep -oE 'tests failed out of [0-9]+' "$log" | awk '{s += $5} END {print s + 0}')
failed=$(grep -oE '[0-9]+ tests failed out of' "$log" | awk '{s += $1} END {print s + 0}')
echo "testplanet: $((total - failed)) passed, $failed failed, in $((SECONDS - start)) s"
