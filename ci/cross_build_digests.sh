#!/usr/bin/env bash
# Every example scenario must give the same digest from the dev (debug) and release builds:
# determinism across build types, not just across runs. So must the whole network at scale
# (scenarios/bench/network.textproto: 25,000 nodes, 4 satellites, 100 uplinks) for its first 10
# virtual minutes, 1.5 M events, chore records kept; the two builds run it side by side (about 80 s
# and 3.4 GB each).
# Usage: ci/cross_build_digests.sh [DEV_BINARY RELEASE_BINARY]
set -uo pipefail
cd "$(dirname "$0")/.."
dev=${1:-build/dev/bin/testplanet}
release=${2:-build/release/bin/testplanet}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
# compare NAME: the digests in $work/dev-NAME and $work/release-NAME must be one.
compare() {
  local a b
  a=$(grep -o '"digest": "[0-9a-f]*"' "$work/dev-$1/summary.json")
  b=$(grep -o '"digest": "[0-9a-f]*"' "$work/release-$1/summary.json")
  if [ -n "$a" ] && [ "$a" = "$b" ]; then
    echo "same     $1 ${a#*: }"
  else
    echo "DIFFERS  $1 dev ${a#*: } release ${b#*: }"
    failures=$((failures + 1))
  fi
}
for example in scenarios/examples/*.textproto; do
  name=$(basename "$example" .textproto)
  "$dev" run "$example" --quiet --out "$work/dev-$name" >/dev/null
  "$release" run "$example" --quiet --out "$work/release-$name" >/dev/null
  compare "$name"
done
network=(scenarios/bench/network.textproto --stop-at 10m --trace chores --max-events 100000000 --quiet)
"$dev" run "${network[@]}" --out "$work/dev-network" >/dev/null &
dev_pid=$!
"$release" run "${network[@]}" --out "$work/release-network" >/dev/null
wait "$dev_pid"
compare network
[ "$failures" -eq 0 ] || { echo "$failures scenarios differ between dev and release"; exit 1; }
echo "cross_build_digests: every example and the network have one digest across dev and release"
