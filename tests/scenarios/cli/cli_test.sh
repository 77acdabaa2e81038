#!/usr/bin/env bash
# The testplanet command as a user meets it: exit codes, messages, the run directory, replay,
# and divergence reporting.
# Usage: cli_test.sh TESTPLANET_BINARY EXAMPLES_DIR
set -uo pipefail
tp=$1
examples=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check <description> <want-exit> <command...>
  local what=$1 want=$2
  shift 2
  "$@" >"$work/out" 2>&1
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, want $want"; sed 's/^/    /' "$work/out"; failures=$((failures + 1))
  else
    echo "ok:   $what"
  fi
}
expect_output() {  # expect_output <description> <pattern>
  if grep -qE -- "$2" "$work/out"; then echo "ok:   $1"; else
    echo "FAIL: $1: no /$2/ in:"; sed 's/^/    /' "$work/out"; failures=$((failures + 1)); fi
}

check "--help teaches the tool" 0 "$tp" --help
expect_output "--help lists the subcommands" "replay"
expect_output "--help has examples" "Examples:"
expect_output "--help names the actions listing" "testplanet actions"
check "actions lists every kind" 0 "$tp" actions
expect_output "with the hostile steps" "replay_orders"
expect_output "and the events" "order.stored"
# The README shows the listing; it must be the listing this binary prints.
readme="$examples/../../README.md"
"$tp" actions --markdown > "$work/actions.md"
sed -n '/<!-- testplanet actions --markdown: begin -->/,/<!-- testplanet actions --markdown: end -->/p' "$readme" |
  sed '1d;$d' > "$work/readme_actions.md"
if diff -u "$work/readme_actions.md" "$work/actions.md" > "$work/actions.diff"; then
  echo "ok:   the README's tables are what 'testplanet actions --markdown' prints"
else
  echo "FAIL: the README's tables differ from 'testplanet actions --markdown' (paste its output):"
  sed 's/^/    /' "$work/actions.diff"; failures=$((failures + 1))
fi
check "run --help" 0 "$tp" run --help
check "no subcommand is bad input" 2 "$tp"
check "an unknown flag is bad input" 2 "$tp" run "$examples/archive_cleanup_at_ttl.textproto" --sed 3
check "a missing file is bad input" 2 "$tp" run "$work/nope.textproto"
check "a bad seed is bad input" 2 "$tp" run "$examples/archive_cleanup_at_ttl.textproto" --seed banana
check "a bad --stop-at is bad input" 2 "$tp" run "$examples/archive_cleanup_at_ttl.textproto" --stop-at 3x
expect_output "--stop-at names the problem" "invalid duration"

printf 'duration: "1h"\nstep {\n  at: "soon"\n  upload {}\n}\n' > "$work/bad.textproto"
check "an invalid scenario is bad input" 2 "$tp" run "$work/bad.textproto"
expect_output "with file, line and column" "bad.textproto:3:3: step\[0\]\.at: invalid duration"

check "a passing example exits 0" 0 "$tp" run "$examples/archive_cleanup_at_ttl.textproto" --out "$work/run"
expect_output "it prints the run's floor" "floor [0-9.]+s: the run's events, signatures, RocksDB and piece-file work"
if grep -q '"floor_over_wall"' "$work/run/summary.json"; then echo "ok:   summary.json has the floor"; else
  echo "FAIL: summary.json has no floor"; failures=$((failures + 1)); fi
for f in scenario.textproto manifest.json summary.json junit.xml trace.json timeline.svg report.html log.txt trace.bin; do
  if [ -s "$work/run/$f" ]; then echo "ok:   the run directory has $f"; else
    echo "FAIL: the run directory lacks $f"; failures=$((failures + 1)); fi
done
# trace.json, written as the run went: whole, with the run's digest, its checks named as the
# scenario names them, its slices there.
if python3 - "$work/run" <<'PY'
import json, sys
run = sys.argv[1]
trace = json.load(open(run + "/trace.json"))
summary = json.load(open(run + "/summary.json"))
assert trace["otherData"]["digest"] == summary["digest"], trace["otherData"]
marks = sorted(e["args"]["check"] for e in trace["traceEvents"] if e.get("cat") == "check")
assert marks and set(marks) <= {c["name"] for c in summary["checks"]}, marks
assert any(e["ph"] == "X" for e in trace["traceEvents"]), "no slices"
PY
then echo "ok:   trace.json is whole, with the run's digest and its checks named"; else
  echo "FAIL: trace.json is not the run's"; failures=$((failures + 1)); fi
check "replay of a fresh run matches" 0 "$tp" replay "$work/run"
expect_output "replay says so" "replay matches"

# Every flag that changes a run is in its manifest and its reproduce command: a run stopped early
# replays to the same digest, and a run over a raised budget keeps the budget.
check "a run stopped at 1h passes" 0 "$tp" run "$examples/archive_cleanup_at_ttl.textproto" --stop-at 1h --max-events 123456789 --out "$work/stopped"
check "its replay matches" 0 "$tp" replay "$work/stopped"
expect_output "replay says so" "replay matches"
if grep -q '"stop_at": "1h0m0s"' "$work/stopped/manifest.json" &&
  grep -q -- '--max-events 123456789 --stop-at 1h0m0s' "$work/stopped/manifest.json"; then
  echo "ok:   the manifest and its reproduce command keep --stop-at and --max-events"; else
  echo "FAIL: the manifest lost --stop-at or --max-events"; failures=$((failures + 1)); fi
# The state at --stop-at: printed in full for a small planet, its first lines for a big one (the
# rest in inspect.txt), and not at all with --quiet.
check "a stopped run of a few nodes passes" 0 "$tp" run "$examples/archive_cleanup_at_ttl.textproto" --stop-at 1h --out "$work/stopped-again"
expect_output "it prints the state" "^storagenode0  orders: unsent"
# A stop inside the planet's start (every node checks in first) shows the state when the start
# ends, and says so rather than print a time the user did not ask for without a word.
check "a stop at 0s passes" 0 "$tp" run "$examples/archive_cleanup_at_ttl.textproto" --stop-at 0s --out "$work/stopped-at-0"
expect_output "it says the start ran past the stop" "the planet's start, every node's first check-in, ran to \+[0-9.]+ms, past the stop asked for at \+0s"
printf 'name: "wide"\nduration: "1h"\nplanet { storage_nodes: 40 }\n' > "$work/wide.textproto"
check "a stopped run of 40 nodes passes" 0 "$tp" run "$work/wide.textproto" --stop-at 1m --out "$work/wide"
expect_output "its state is cut short, pointing at inspect.txt" "more lines in .*/wide/inspect.txt"
if [ "$(wc -l < "$work/out")" -lt 80 ] && grep -q '^storagenode39  orders' "$work/wide/inspect.txt"; then
  echo "ok:   the printed state is short and inspect.txt has every node"; else
  echo "FAIL: the printed state is long or inspect.txt lacks a node"; failures=$((failures + 1)); fi
check "with --quiet" 0 "$tp" run "$work/wide.textproto" --stop-at 1m --out "$work/wide-quiet" --quiet
if [ "$(wc -l < "$work/out")" = 1 ]; then echo "ok:   --quiet prints one line"; else
  echo "FAIL: --quiet printed:"; sed 's/^/    /' "$work/out"; failures=$((failures + 1)); fi
# --trace chores keeps chore runs and faults, not every event: the same digest, a smaller trace.bin,
# and replay re-runs at the manifest's level.
check "a run keeping chores only passes" 0 "$tp" run "$examples/archive_cleanup_at_ttl.textproto" --trace chores --out "$work/chores"
check "its replay matches" 0 "$tp" replay "$work/chores"
expect_output "replay says so" "replay matches"
digest_of() { sed -n 's/.*"digest": "\([0-9a-f]*\)".*/\1/p' "$1/manifest.json"; }
kept_of() { sed -n 's/.*"records_kept": \([0-9]*\).*/\1/p' "$1/summary.json"; }
if [ "$(digest_of "$work/chores")" = "$(digest_of "$work/run")" ] &&
  grep -q '"trace": "chores"' "$work/chores/manifest.json" &&
  grep -q -- '--trace chores' "$work/chores/manifest.json" &&
  [ "$(kept_of "$work/chores")" -lt "$(( $(kept_of "$work/run") / 2 ))" ] &&
  [ "$(stat -c %s "$work/chores/trace.bin")" -lt "$(stat -c %s "$work/run/trace.bin")" ]; then
  echo "ok:   --trace chores: the same digest, in the manifest and its reproduce command, under half the records"; else
  echo "FAIL: --trace chores: digest, manifest, records kept or trace.bin size"; failures=$((failures + 1)); fi
check "an unknown --trace level is bad input" 2 "$tp" run "$examples/archive_cleanup_at_ttl.textproto" --trace everything
expect_output "it names the flag and the levels" "--trace: expected all or chores"
check "the same directory again is ours to overwrite" 0 "$tp" run "$examples/archive_cleanup_at_ttl.textproto" --out "$work/stopped" --quiet

# A failing check: exit 1, what was expected and found, and how to reproduce it.
sed 's/bytes { eq: 6000 }/bytes { eq: 6001 }/' "$examples/archive_cleanup_at_ttl.textproto" > "$work/failing.textproto"
check "a failed check exits 1" 1 "$tp" run "$work/failing.textproto" --out "$work/failed" --seed 3
expect_output "it says what was expected and found" "expected settled bytes == 6001, found settled bytes = 6000"
expect_output "and how to reproduce it" "reproduce: testplanet run .*failing.textproto --seed 3"
if grep -q '<failure' "$work/failed/junit.xml"; then echo "ok:   junit.xml has the failure"; else
  echo "FAIL: junit.xml has no failure"; failures=$((failures + 1)); fi

# A divergence is pinned to the first record that differs.
sed -i 's/"digest": "[0-9a-f]*"/"digest": "0000000000000000"/' "$work/run/manifest.json"
python3 - "$work/run/trace.bin" <<'PY'   # record 100's field a, flipped (trace.bin version 3)
import subprocess, sys
path = sys.argv[1]
data = open(path, "rb").read()
def varint(buf, at):
    value, shift = 0, 0
    while True:
        byte = buf[at]; at += 1
        value |= (byte & 0x7f) << shift; shift += 7
        if byte < 0x80: return value, at
def encode(value):
    out = bytearray()
    while value >= 0x80: out.append((value & 0x7f) | 0x80); value >>= 7
    out.append(value); return bytes(out)
assert data[:8] == b"TPTRACE3"
at = 8
_, at = varint(data, at); kinds, at = varint(data, at); at += 8 * kinds
_, at = varint(data, at)                  # frames
size_at = at; size, at = varint(data, at)  # the first frame holds record 100
frame = data[at:at + size]; rest = data[at + size:]
plain = subprocess.run(["zstd", "-d", "-q", "-c"], input=frame, capture_output=True, check=True).stdout
p = 0
for record in range(101):
    for field in range(4): _, p = varint(plain, p)
    start = p; a, p = varint(plain, p)
    if record == 100:
        plain = plain[:start] + encode(a ^ 1) + plain[p:]
        break
    _, p = varint(plain, p); _, p = varint(plain, p)
frame = subprocess.run(["zstd", "-1", "-q", "-c"], input=plain, capture_output=True, check=True).stdout
open(path, "wb").write(data[:size_at] + encode(len(frame)) + frame + rest)
PY
check "replay of a changed run fails" 1 "$tp" replay "$work/run"
expect_output "naming the first event that differs" "first difference at record #100"

echo "{" > "$work/run2.json"
mkdir -p "$work/notarun"
check "replay of a non-run directory is bad input" 2 "$tp" replay "$work/notarun"

check "run --determinism runs twice in one process" 0 "$tp" run "$examples/crash_and_recover.textproto" --determinism --out "$work/twice" --quiet
check "sweep --determinism does so for every seed" 0 "$tp" sweep "$examples/archive_cleanup_at_ttl.textproto" --seeds 1..2 --determinism --out "$work/dsweep"
expect_output "and says so in the reproduce command" "swept 2 seeds"
check "check-determinism passes" 0 "$tp" check-determinism "$examples/archive_cleanup_at_ttl.textproto" --seeds 2
check "sweep runs seeds as processes" 0 "$tp" sweep "$examples/archive_cleanup_at_ttl.textproto" --seeds 1..4 --jobs 2 --out "$work/sweep"
if [ "$(wc -l < "$work/sweep/sweep.jsonl")" -eq 4 ]; then echo "ok:   one JSON line per seed"; else
  echo "FAIL: sweep.jsonl has $(wc -l < "$work/sweep/sweep.jsonl") lines"; failures=$((failures + 1)); fi
check "a shard runs its share" 0 "$tp" sweep "$examples/archive_cleanup_at_ttl.textproto" --seeds 1..5 --shard 1/2 --out "$work/shard"
expect_output "shard 1/2 of 1..5 is seeds 2 and 4" "swept 2 seeds"
GTEST_TOTAL_SHARDS=3 GTEST_SHARD_INDEX=0 check "GoogleTest's shard variables" 0 "$tp" sweep "$examples/archive_cleanup_at_ttl.textproto" --seeds 1..5 --out "$work/gshard"
expect_output "shard 0/3 of 1..5 is seeds 1 and 4" "swept 2 seeds"
JOB_COMPLETION_INDEX=1 check "an indexed job needs --shards-total" 2 "$tp" sweep "$examples/archive_cleanup_at_ttl.textproto" --seeds 1..5
check "a bad seed range is bad input" 2 "$tp" sweep "$examples/archive_cleanup_at_ttl.textproto" --seeds 5..1
sed 's/bytes { eq: 6000 }/bytes { eq: 6001 }/' "$examples/archive_cleanup_at_ttl.textproto" > "$work/failing2.textproto"
check "a sweep with failing seeds exits 1" 1 "$tp" sweep "$work/failing2.textproto" --seeds 1..2 --out "$work/fsweep"
expect_output "grouping the failing seeds by signature" "FAIL 2 seed\\(s\\) \\[check [0-9a-f]*\\] check \"the rollups still count the bytes\""
expect_output "listing them" "seeds: 1 2"
expect_output "with the first one's reproduce command" "first: testplanet run .*failing2.textproto --seed 1"
check "inspect prints the state at a time" 0 "$tp" inspect "$examples/half_the_nodes_partitioned.textproto" --at 2h --out "$work/inspect"
expect_output "inspect shows each chore's next tick" "orders.sender: .*next tick"
expect_output "and the faults in force" "partitioned satellite0:7777 storagenode0:28967"

# On disk: a run into the same directory again starts from empty disks (same digest), and a
# database directory holding something that is not ours is refused and left alone.
sed 's/^planet {/planet { storage: "disk"/' "$examples/archive_cleanup_at_ttl.textproto" > "$work/disk.textproto"
check "an on-disk run passes" 0 "$tp" run "$work/disk.textproto" --out "$work/disk" --quiet
first=$(grep -o 'digest [0-9a-f]*' "$work/out")
check "an on-disk run into the same directory passes" 0 "$tp" run "$work/disk.textproto" --out "$work/disk" --quiet
expect_output "with the same digest" "$first"
mkdir -p "$work/foreign/db/photos"
check "a run directory whose db/ holds other things is bad input" 2 "$tp" run "$work/disk.textproto" --out "$work/foreign"
expect_output "naming the directory and the missing marker" "foreign: holds files testplanet did not write .it has no .testplanet marker"
if [ -d "$work/foreign/db/photos" ]; then echo "ok:   and nothing was deleted"; else
  echo "FAIL: photos were deleted"; failures=$((failures + 1)); fi

# Ctrl-C (SIGINT) or SIGTERM on a long run: it stops at the instant it reached, writes its run
# directory, says how to get the same run again and exits 130; replay finds the same digest (the
# manifest names the stop). A year of four nodes is far longer than the second it is given.
# SIGTERM here: a script's background job starts with SIGINT ignored, and testplanet keeps a
# signal it was started ignoring ignored.
# signal_when FILE WHO COMMAND...: runs COMMAND in the background, waits until FILE exists and a
# second more, sends SIGTERM to it (WHO=self) or to it and its children at once (WHO=family, as
# a terminal's Ctrl-C reaches a whole process group), and waits; its exit code is then in $got.
signal_when() {
  local file=$1 who=$2
  shift 2
  "$@" >"$work/out" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do [ -e "$file" ] && break; sleep 0.1; done
  sleep 1
  if [ "$who" = family ]; then kill -TERM "$pid" $(pgrep -P "$pid"); else kill -TERM "$pid"; fi
  wait "$pid"
  got=$?
}
printf 'name: "long"\nduration: "8760h"\nplanet { storage_nodes: 4 }\n' > "$work/long.textproto"
signal_when "$work/interrupted/.testplanet" self \
  "$tp" run "$work/long.textproto" --max-events 1000000000 --out "$work/interrupted"
if [ "$got" -eq 130 ]; then echo "ok:   an interrupted run exits 130"; else
  echo "FAIL: an interrupted run exited $got, want 130"; sed 's/^/    /' "$work/out"; failures=$((failures + 1)); fi
expect_output "it says where it stopped and how to run to there again" "interrupted at \+[0-9hms.]+: the run to there, the same run as --stop-at"
expect_output "with a command to paste" "testplanet run .*long.textproto --seed 1 --max-events 1000000000 --stop-at [0-9hms.]+$"
if [ -f "$work/interrupted/summary.json" ] && [ -f "$work/interrupted/report.html" ] &&
  grep -qE '"stop_at": "[0-9hms.]+"' "$work/interrupted/manifest.json"; then
  echo "ok:   its run directory is written, the stop in its manifest"; else
  echo "FAIL: the interrupted run's directory is missing files or its stop"; failures=$((failures + 1)); fi
check "replay of the interrupted run matches" 0 "$tp" replay "$work/interrupted"
expect_output "replay says so" "replay matches: long seed 1"

# Replay, check-determinism and shrink stop too, say what they did not compare or shrink, and
# exit 130. The failing run takes seconds, so each is signalled in its first run.
printf 'name: "fails"\nduration: "1000h"\nplanet { storage_nodes: 4 }\ncheck { name: "impossible" orders { peer: "storagenode*" unsent { eq: 12345 } } }\n' \
  > "$work/fails.textproto"
"$tp" run "$work/fails.textproto" --max-events 1000000000 --out "$work/fails" --quiet >/dev/null 2>&1
signal_when "$work/fails" self "$tp" replay "$work/fails"
if [ "$got" -eq 130 ]; then echo "ok:   an interrupted replay exits 130"; else
  echo "FAIL: an interrupted replay exited $got, want 130"; sed 's/^/    /' "$work/out"; failures=$((failures + 1)); fi
expect_output "it says nothing was compared" "replay interrupted at \+[0-9hms.]+: nothing compared"
signal_when "$work/fails" self "$tp" check-determinism "$work/long.textproto" --seeds 3 \
  --max-events 1000000000
if [ "$got" -eq 130 ]; then echo "ok:   an interrupted check-determinism exits 130"; else
  echo "FAIL: an interrupted check-determinism exited $got, want 130"; sed 's/^/    /' "$work/out"; failures=$((failures + 1)); fi
expect_output "it names the seeds not compared" "0 of 0 seeds diverged; 3 not compared"
signal_when "$work/fails" self "$tp" shrink "$work/fails"
if [ "$got" -eq 130 ] && [ ! -e "$work/fails/shrunk.textproto" ]; then
  echo "ok:   a shrink interrupted in its first run exits 130 and writes nothing"; else
  echo "FAIL: an interrupted shrink exited $got (want 130) or wrote a file"; sed 's/^/    /' "$work/out"; failures=$((failures + 1)); fi
expect_output "it says nothing was shrunk" "interrupted before the failing run ended: nothing shrunk"

# The same for a sweep, signalled alone or with its seeds (whose second signal the sweep's own
# request must not be): no more seeds start, the running ones stop and are not counted, its
# reports are written, nothing is left behind, and it exits 130.
for who in self family; do
  signal_when "$work/sweep-$who/seed-2" "$who" "$tp" sweep "$work/long.textproto" --seeds 1..6 \
    --jobs 2 --max-events 1000000000 --out "$work/sweep-$who"
  if [ "$got" -eq 130 ]; then echo "ok:   an interrupted sweep ($who) exits 130"; else
    echo "FAIL: an interrupted sweep ($who) exited $got, want 130"; sed 's/^/    /' "$work/out"; failures=$((failures + 1)); fi
  expect_output "it says it was interrupted" "swept 0 seeds .*interrupted.*: 0 passed, 0 failed"
  expect_output "and that the seeds cut short were not counted" "2 seed\(s\) cut short by the interrupt were not counted"
  if [ -f "$work/sweep-$who/index.html" ] && [ ! -e "$work/sweep-$who/seed-1" ] &&
    [ ! -e "$work/sweep-$who/seed-2" ] && [ -z "$(pgrep -f "sweep-$who/seed" || true)" ]; then
    echo "ok:   its reports are written, no seed directory or process left behind"; else
    echo "FAIL: the interrupted sweep left no index, or a seed behind"; failures=$((failures + 1)); fi
done

if [ "$failures" -ne 0 ]; then echo "$failures failed"; exit 1; fi
echo "cli_test: all passed"
