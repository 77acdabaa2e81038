#!/usr/bin/env bash
# What CI systems and people read from testplanet, checked as they would read it:
#   - junit.xml of a run and of a sweep validate against junit.xsd (Jenkins xUnit's junit-10),
#     with each check's line in its own attribute;
#   - timeline.svg and index.html are well-formed;
#   - a sweep keeps only failing seeds, writes rows in seed order with a failure and signature,
#     groups failures, prints progress in a non-terminal log, appends $GITHUB_STEP_SUMMARY,
#     clears its previous output, keeps everything with --keep-passing, stops at --time-budget;
#   - merge joins shards into the same sweep;
#   - report.html and index.html render in headless Chromium without a script error, and the
#     timeline zooms and shows a tooltip; a planet with more peers than the page has rows gets the
#     whole planet's runs in rows of their own, with a tooltip, and says what it left out.
# Usage: report_files_test.sh TESTPLANET SOURCE_DIR
set -euo pipefail
testplanet=$(readlink -f "$1")
source_dir=$(readlink -f "$2")
xsd="$source_dir/tests/scenarios/report/junit.xsd"
swarm="$source_dir/scenarios/swarm/orders.textproto"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
# set -e never ends the test without a word (the ERR trap also fires under set +e: stay quiet there).
trap 'rc=$?; [[ $- != *e* ]] || echo "FAIL: line $LINENO exited $rc" >&2' ERR
command -v xmllint >/dev/null || fail "xmllint is missing (libxml2-utils; ci/deps.sh installs it)"
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$chrome" ] || fail "chromium is missing (ci/deps.sh installs it)"

# --- a run: junit against the schema, the timeline well-formed ------------------------------
"$testplanet" run "$source_dir/scenarios/examples/lossy_network.textproto" --out run --quiet >/dev/null
xmllint --noout --schema "$xsd" run/junit.xml 2>/dev/null || fail "run/junit.xml is not valid JUnit"
grep -q 'file="[^"]*lossy_network.textproto" line="24"' run/junit.xml || fail "no line attribute"
if grep -qE 'file="[^"]*:[0-9]+"' run/junit.xml; then fail "a line is still inside file="; fi
grep -q '<testcase [^>]*time="' run/junit.xml || fail "test cases carry no time"
xmllint --noout run/timeline.svg || fail "timeline.svg is not well-formed"

# --- a sweep with failures (a planted bug), in a log that is not a terminal -------------------
export GITHUB_STEP_SUMMARY="$work/step_summary.md"
set +e
"$testplanet" sweep "$swarm" --swarm --seeds 1..16 --planted-bug trigger-unpauses --out sweep \
  >sweep.out 2>sweep.err </dev/null
code=$?
set -e
[ "$code" = 1 ] || { cat sweep.out sweep.err; fail "sweep exited $code, expected 1"; }
grep -q '^sweep: [0-9]*/16 seeds done' sweep.err || fail "no progress line in a non-terminal log"
grep -qE '^FAIL [0-9]+ seed\(s\) \[invariant [0-9a-f]{16}\]' sweep.out || { cat sweep.out; fail "no grouped failure"; }
rows=$(wc -l <sweep/sweep.jsonl)
[ "$rows" = 16 ] || fail "sweep.jsonl has $rows rows"
seeds=$(grep -o '"seed":[0-9]*' sweep/sweep.jsonl | cut -d: -f2 | tr '\n' ' ')
[ "$seeds" = "$(seq -s ' ' 1 16) " ] || fail "rows are not in seed order: $seeds"
failed=$(grep -c '"passed":false' sweep/sweep.jsonl)
[ "$failed" -ge 1 ] || fail "the planted bug was not found in 16 seeds"
[ "$(grep '"passed":false' sweep/sweep.jsonl | grep -c '"signature":"[0-9a-f]\{16\}"')" = "$failed" ] \
  || fail "a failing row has no signature"
kept=$(find sweep -maxdepth 1 -type d -name 'seed-*' | wc -l)
[ "$kept" = "$failed" ] || fail "$kept run directories kept for $failed failing seeds"
for dir in sweep/seed-*/; do
  [ -f "$dir/report.html" ] && [ -f "$dir/trace.bin" ] && [ -f "$dir/manifest.json" ] || fail "$dir is incomplete"
  [ ! -e "$dir/trace.json" ] || fail "$dir keeps trace.json (the reproduce command writes it)"
  grep -q '"passed":false' <(grep "\"out\":\"${dir%/}\"" sweep/sweep.jsonl) || fail "$dir passed"
done
xmllint --noout --schema "$xsd" sweep/junit.xml 2>/dev/null || fail "sweep/junit.xml is not valid JUnit"
grep -q '<failure type="invariant"' sweep/junit.xml || fail "sweep junit has no case per signature"
xmllint --html --noout sweep/index.html 2>/dev/null || fail "index.html does not parse"
grep -q 'FAILED' "$GITHUB_STEP_SUMMARY" || fail "no step summary"
# grep -m1, not `| head -1`: under pipefail the writer that head leaves behind dies of SIGPIPE
# and set -e ends the test with no message (it did, once in CI).
passing_reproduce=$(grep -m1 '"passed":true' sweep/sweep.jsonl | grep -o '"reproduce":"[^"]*"')
case "$passing_reproduce" in *"--swarm --seeds"*) ;; *) fail "a passing swarm seed's reproduce: $passing_reproduce" ;; esac

# --- the reports render in a real browser ------------------------------------------------------
failing=$(find sweep -maxdepth 1 -type d -name 'seed-*' | sort)
failing=${failing%%$'\n'*}
render() {  # URL -> the DOM after scripts ran; fails on any uncaught script error
  local out=$1; shift
  timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --enable-logging=stderr --v=0 --window-size=1400,1000 --virtual-time-budget=5000 \
    --dump-dom "$1" >"$out.html" 2>"$out.log" || { cat "$out.log"; fail "chromium failed on $1"; }
  if grep -E 'Uncaught|CONSOLE.*(Error|error)' "$out.log"; then fail "script error in $1"; fi
}
render report "file://$work/$failing/report.html#selftest"
grep -q 'data-rendered="yes"' report.html || fail "report.html did not finish rendering"
grep -q 'data-zoomed="yes"' report.html || fail "the wheel did not zoom the timeline"
grep -qE 'data-tooltip="(chore|RPC) [^"]+' report.html || fail "no tooltip over a run"
grep -q '<pre class="fail">DATA_LOSS: invariant violated' report.html || fail "the run's error is not shown"
grep -qE '<table id="checks"><tr>(<th>|<td class="hint">No check ran)' report.html || fail "the checks table was not filled"
grep -q '<canvas id="timeline"' report.html || fail "no timeline"
grep -q 'ticked while paused' report.html || fail "the failure is not on the page"
# A planet with more peers than the page has rows: whole peers, and the whole planet's runs.
cat >big.textproto <<'EOF'
name: "big"
duration: "10m"
planet { satellites: 1 storage_nodes: 1600 uplinks: 1 }
step { at: "1m" traffic { uplink: 0 satellite: 0 every: "1m" size: 1024 nodes: 8 } }
EOF
"$testplanet" run big.textproto --trace chores --out big --quiet >/dev/null
render big "file://$work/big/report.html#selftest"
grep -q 'data-rendered="yes"' big.html || fail "a big planet's report.html did not finish rendering"
grep -q 'peers not drawn one by one' big.html || fail "a big planet's page does not say what it left out"
grep -qE 'data-density-tooltip="[a-z.]+ on 1600 storagenode peers' big.html \
  || fail "no tooltip over the whole planet's runs"
grep -qE 'data-tooltip="chore [^"]+' big.html || fail "no tooltip over a drawn peer's run"
render index "file://$work/sweep/index.html"
grep -q '<table id="signatures">' index.html || fail "index.html has no signatures"
grep -q "href=\"$(basename "$failing")/report.html\"" index.html || fail "index.html does not link the kept run"

# --- re-running clears the last sweep; --keep-passing keeps all; --time-budget stops ----------
"$testplanet" sweep "$swarm" --swarm --seeds 1..3 --out sweep --keep-passing >/dev/null 2>&1
[ "$(find sweep -maxdepth 1 -type d -name 'seed-*' | wc -l)" = 3 ] || fail "--keep-passing"
leftover=$(find sweep -maxdepth 1 -name 'seed-*' ! -name 'seed-[123]' ! -name 'seed-[123].*')
[ -z "$leftover" ] || fail "the last sweep's files are still there: $leftover"
[ "$(wc -l <sweep/sweep.jsonl)" = 3 ] || fail "the report holds the last sweep's rows"
start=$SECONDS
"$testplanet" sweep "$swarm" --swarm --seeds 1..100000 --time-budget 2s --out budget >budget.out 2>&1 \
  || { cat budget.out; fail "a time-budgeted sweep failed"; }
[ $((SECONDS - start)) -lt 60 ] || fail "--time-budget 2s ran $((SECONDS - start)) s"
grep -q 'time budget of 2s spent' budget.out || { cat budget.out; fail "the budget stop is not said"; }

# --- shards merge into the same sweep ---------------------------------------------------------
for shard in 0 1; do
  "$testplanet" sweep "$swarm" --swarm --seeds 1..16 --planted-bug trigger-unpauses \
    --shard $shard/2 --out "shards/$shard" >/dev/null 2>&1 || true
done
set +e
"$testplanet" merge shards/0/sweep.jsonl shards/1/sweep.jsonl --out merged >merge.out 2>&1
code=$?
set -e
[ "$code" = 1 ] || { cat merge.out; fail "merge exited $code"; }
cmp <(grep -o '"seed":[0-9]*,"exit":[0-9]*' merged/sweep.jsonl) \
    <(grep -h -o '"seed":[0-9]*,"exit":[0-9]*' shards/*/sweep.jsonl | sort -t: -k2 -n) \
  || fail "the merged rows differ from the shards'"
[ "$(wc -l <merged/sweep.jsonl)" = 16 ] || fail "the merged report does not hold 16 seeds"
xmllint --noout --schema "$xsd" merged/junit.xml 2>/dev/null || fail "merged junit is not valid"
grep -q 'href="../shards/[01]/seed-[0-9]*/report.html"' merged/index.html || fail "merged index.html does not link kept runs"
echo "ok: junit, svg, sweep ($failed of 16 failing, $kept kept), browser, merge"
