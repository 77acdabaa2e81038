#!/usr/bin/env bash
# A GoogleTest that uses testplanet::Run and fails leaves a run directory (report.html,
# trace.json, timeline.svg, log.txt, summary.json, trace.bin) and prints the real binary and
# filter that reproduce it; the reproduce command fails the same way. A passing test leaves
# nothing. Usage: failing_run_test.sh FAILING_ON_PURPOSE_BINARY
set -euo pipefail
binary=$(readlink -f "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cd "$work"
if TESTPLANET_OUT="$work/out" "$binary" >output.txt 2>&1; then
  fail "the failing test passed"
fi
if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' output.txt; then
  cat output.txt; fail "a sanitizer reported an error"
fi
grep -q '^\[  PASSED  \] 1 test' output.txt || { cat output.txt; fail "the passing test did not pass"; }
dir="$work/out/FailingOnPurpose.SettlesOneOrderButExpectsTwo-seed-1"
for file in report.html trace.json timeline.svg log.txt summary.json trace.bin .testplanet; do
  [ -f "$dir/$file" ] || { cat output.txt; fail "$dir/$file is missing"; }
done
[ ! -e "$work/out/FailingOnPurpose.Passes-seed-1" ] || fail "a passing test left a directory"
grep -q "the failing run is in $dir/" output.txt || { cat output.txt; fail "the directory is not named"; }
absolute=$(readlink -f "$binary")
reproduce=$(grep -m1 -o "reproduce: TESTPLANET_SEED=1 [^ ]* --gtest_filter=FailingOnPurpose.SettlesOneOrderButExpectsTwo" output.txt)
[ -n "$reproduce" ] || { cat output.txt; fail "no reproduce command"; }
case "$reproduce" in
  *"<this test binary>"*) fail "the reproduce command does not name the binary" ;;
  *" $absolute "*) ;;
  *) fail "the reproduce command names another binary: $reproduce (expected $absolute)" ;;
esac
grep -q '"passed": false' "$dir/summary.json" || fail "summary.json does not say it failed"
grep -q 'FailingOnPurpose.SettlesOneOrderButExpectsTwo' "$dir/report.html" || fail "report.html"
# The printed command runs and fails the same way, from anywhere.
command=${reproduce#reproduce: }
mkdir elsewhere && cd elsewhere
if env TESTPLANET_OUT="$work/again" ${command} >again.txt 2>&1; then fail "the reproduce command passed"; fi
grep -q "on purpose: one order was made" again.txt || fail "the reproduce command failed otherwise"
cmp <(grep -o '"digest": "[0-9a-f]*"' "$dir/summary.json") \
    <(grep -o '"digest": "[0-9a-f]*"' "$work/again/FailingOnPurpose.SettlesOneOrderButExpectsTwo-seed-1/summary.json") \
  || fail "the reproduced run has another digest"
echo "ok: a failing testplanet::Run left $dir and a reproduce command that fails the same way"
