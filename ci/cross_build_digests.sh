#!/usr/bin/env bash
# Every example scenario must give the same digest from two builds: determinism across compilers
# and optimization levels, not just across runs. CI compares the asan build (clang, -O1, with the
# sanitizers) with the release build (gcc, -O3). So must the whole network at scale
# (scenarios/bench/network.textproto: 25,000 nodes, 4 satellites, 100 uplinks) for its first 10
# virtual minutes, 1.5 M events, chore records kept; the two builds run it side by side (release
# about 40 s and 3.4 GB; asan about 150 s and 5.2 GB).
# Usage: ci/cross_build_digests.sh [BINARY_A BINARY_B]
#        (default: build/asan/bin/testplanet build/release/bin/testplanet)
set -uo pipefail
cd "$(dirname "$0")/.."
first=${1:-build/asan/bin/testplanet}
second=${2:-build/release/bin/testplanet}
for binary in "$first" "$second"; do
  [ -x "$binary" ] || { echo "cross_build_digests: $binary is not built" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
# compare NAME: the digests in $work/a-NAME and $work/b-NAME must be one.
compare() {
  local a b
  a=$(grep -o '"digest": "[0-9a-f]*"' "$work/a-$1/summary.json")
  b=$(grep -o '"digest": "[0-9a-f]*"' "$work/b-$1/summary.json")
  if [ -n "$a" ] && [ "$a" = "$b" ]; then
    echo "same     $1 ${a#*: }"
  else
    echo "DIFFERS  $1 $first ${a#*: } $second ${b#*: }"
    failures=$((failures + 1))
  fi
}
for example in scenarios/examples/*.textproto; do
  name=$(basename "$example" .textproto)
  "$first" run "$example" --quiet --out "$work/a-$name" >/dev/null
  "$second" run "$example" --quiet --out "$work/b-$name" >/dev/null
  compare "$name"
done
network=(scenarios/bench/network.textproto --stop-at 10m --trace chores --max-events 100000000 --quiet)
"$first" run "${network[@]}" --out "$work/a-network" >/dev/null &
first_pid=$!
"$second" run "${network[@]}" --out "$work/b-network" >/dev/null
wait "$first_pid"
compare network
[ "$failures" -eq 0 ] || { echo "$failures scenarios differ between $first and $second"; exit 1; }
echo "cross_build_digests: every example and the network have one digest in $first and $second"
