#!/usr/bin/env bash
# Every example scenario must give the same digest from the dev (debug) and release builds:
# determinism across build types, not just across runs.
# Usage: ci/cross_build_digests.sh [DEV_BINARY RELEASE_BINARY]
set -uo pipefail
cd "$(dirname "$0")/.."
dev=${1:-build/dev/bin/testplanet}
release=${2:-build/release/bin/testplanet}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
for example in scenarios/examples/*.textproto; do
  name=$(basename "$example" .textproto)
  "$dev" run "$example" --quiet --out "$work/dev-$name" >/dev/null
  "$release" run "$example" --quiet --out "$work/release-$name" >/dev/null
  a=$(grep -o '"digest": "[0-9a-f]*"' "$work/dev-$name/summary.json")
  b=$(grep -o '"digest": "[0-9a-f]*"' "$work/release-$name/summary.json")
  if [ -n "$a" ] && [ "$a" = "$b" ]; then
    echo "same     $name ${a#*: }"
  else
    echo "DIFFERS  $name dev ${a#*: } release ${b#*: }"
    failures=$((failures + 1))
  fi
done
[ "$failures" -eq 0 ] || { echo "$failures examples differ between dev and release"; exit 1; }
echo "cross_build_digests: every example has one digest across dev and release"
