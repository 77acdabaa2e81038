#!/usr/bin/env bash
# The scenarios in scenarios/bench/ stay valid: each loads, the week runs its first hours, and the
# whole network is refused by the default budgets with the flag to raise them (exit 2) rather than
# started on a machine that cannot hold it.
# Usage: bench_files_test.sh TESTPLANET SOURCE_DIR
set -euo pipefail
testplanet=$(readlink -f "$1")
bench=$(readlink -f "$2")/scenarios/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$testplanet" run "$bench/week.textproto" --stop-at 2h --out "$work/week" --quiet >"$work/week.out" \
  || { cat "$work/week.out"; fail "the week's first 2 hours did not run"; }

set +e
"$testplanet" run "$bench/network.textproto" --out "$work/network" >"$work/network.out" 2>&1
code=$?
set -e
[ "$code" = 2 ] || { cat "$work/network.out"; fail "network.textproto: exit $code, expected 2"; }
grep -q -- '--max-events' "$work/network.out" || { cat "$work/network.out"; fail "no flag named"; }
grep -q '25104 peers' "$work/network.out" || { cat "$work/network.out"; fail "not 4+25,000+100 peers"; }
echo "ok: week runs, network loads and is refused by the default budget"
