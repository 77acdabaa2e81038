#!/usr/bin/env bash
# Swarm sweeps and shrinking, end to end with the testplanet command:
#   * a swarm sweep of the orders scenario finds no invariant violation;
#   * with each planted bug, a swarm sweep finds it within 500 seeds, `testplanet shrink` turns
#     the first failing run into a scenario of a handful of steps, and that scenario fails the
#     same way with the bug and passes without it.
# Usage: swarm_test.sh TESTPLANET_BINARY SWARM_SCENARIO CLEAN_SEEDS
set -uo pipefail
tp=$1
scenario=$2
clean_seeds=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$tp" sweep "$scenario" --swarm --seeds "1..$clean_seeds" --jobs 2 --out "$work/clean" \
  >"$work/clean.out" 2>&1
code=$?
if [ "$code" -eq 0 ]; then
  echo "ok:   $clean_seeds swarm seeds, no invariant violated ($(tail -1 "$work/clean.out"))"
else
  fail "a swarm sweep without planted bugs failed (exit $code):"; sed 's/^/    /' "$work/clean.out"
fi

# Every planted bug the binary knows, from its own listing.
bugs=$("$tp" actions | sed -n '/^Planted bugs/,/^$/p' | awk 'NR > 1 && NF > 0 {print $1}')
[ -n "$bugs" ] || fail "testplanet actions lists no planted bugs"
for bug in $bugs; do
  out="$work/$bug"
  "$tp" sweep "$scenario" --swarm --seeds 1..500 --jobs 2 --stop-at-first-failure \
    --planted-bug "$bug" --out "$out" >"$out.sweep" 2>&1
  code=$?
  seed=$(grep -m1 '"passed":false' "$out/sweep.jsonl" | sed -E 's/.*"seed":([0-9]+).*/\1/')
  if [ "$code" -ne 1 ] || [ -z "$seed" ]; then
    fail "$bug: the sweep did not find it in 500 seeds (exit $code)"; sed 's/^/    /' "$out.sweep"
    continue
  fi
  if ! grep -q "invariant violated" "$out/seed-$seed.log"; then
    fail "$bug: seed $seed failed, but not on an invariant:"; sed 's/^/    /' "$out/seed-$seed.log"
    continue
  fi
  echo "ok:   $bug found by seed $seed: $(grep -m1 'invariant violated' "$out/seed-$seed.log" | sed 's/^ *//')"
  "$tp" shrink "$out/seed-$seed" >"$out.shrink" 2>&1
  code=$?
  shrunk="$out/seed-$seed/shrunk.textproto"
  if [ "$code" -ne 0 ] || [ ! -f "$shrunk" ]; then
    fail "$bug: shrink failed (exit $code)"; sed 's/^/    /' "$out.shrink"; continue
  fi
  steps=$(grep -c '^step {' "$shrunk")
  before=$(grep -c '^step {' "$out/seed-$seed.textproto")
  if [ "$steps" -gt 5 ]; then
    fail "$bug: the shrunk scenario still has $steps steps (from $before)"; cat "$shrunk"
  else
    echo "ok:   $bug shrunk from $before steps to $steps: $(grep -m1 '^shrunk:' "$out.shrink")"
  fi
  "$tp" run "$shrunk" --planted-bug "$bug" --out "$out/rerun" >"$out.rerun" 2>&1
  code=$?
  # The same message, serials, virtual times and numbers aside.
  mask() {
    grep -m1 -oE 'invariant violated: .*' "$1" |
      sed -E 's/[0-9a-f]{32}/S/g; s/([0-9]+(\.[0-9]+)?(h|ms|us|ns|m|s))+/T/g; s/[0-9]+/N/g'
  }
  want=$(mask "$out/seed-$seed.log")
  got=$(mask "$out.rerun")
  if [ "$code" -eq 1 ] && [ -n "$want" ] && [ "$want" = "$got" ]; then
    echo "ok:   $bug: the shrunk scenario fails the same way ($got)"
  else
    fail "$bug: the shrunk scenario did not fail the same way (exit $code, want '$want', got '$got')"
    sed 's/^/    /' "$out.rerun"
  fi
  "$tp" run "$shrunk" --out "$out/without" >"$out.without" 2>&1
  code=$?
  if [ "$code" -eq 0 ]; then
    echo "ok:   $bug: without the bug the shrunk scenario passes"
  else
    fail "$bug: the shrunk scenario fails without the bug (exit $code)"; sed 's/^/    /' "$out.without"
  fi
done
[ "$failures" -eq 0 ] || { echo "$failures failures"; exit 1; }
echo "all swarm and shrink checks passed"
