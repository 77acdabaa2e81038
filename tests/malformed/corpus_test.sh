#!/usr/bin/env bash
# The malformed-input corpus: every case must exit 2 within 10 s and 1 GiB, with a message
# naming what is wrong (the file and, where there is one, line:col and field; or the flag), and
# must leave alone every file it did not create. Cases:
#   scenarios/*.textproto   bad scenario files; the first line says what stderr must match
#   the flag cases below    bad flags, paths and output directories
#   the run directory cases manifest.json and scenario.textproto edited or broken, for replay
#                           and shrink
#   at_the_limits/*.textproto  valid scenarios at the largest values the loader accepts: these
#                           must run (exit 0 or 1) with no sanitizer report and no crash
# Usage: corpus_test.sh TESTPLANET CORPUS_DIR
set -uo pipefail
tp=$(realpath "$1")
corpus=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
failures=0 cases=0 slowest=0 slowest_case="" largest=0 largest_case=""

# case NAME REGEX COMMAND...: runs COMMAND, which must exit 2 with stderr matching REGEX.
case_() {
  local name=$1 expect=$2
  shift 2
  cases=$((cases + 1))
  timeout 10 /usr/bin/time -o "$work/time" -f "%e %M" "$@" >"$work/stdout" 2>"$work/stderr"
  local rc=$?
  local seconds=0 kib=0
  if [ -s "$work/time" ]; then read -r seconds kib < <(tail -1 "$work/time"); fi
  if awk -v s="$seconds" -v m="$slowest" 'BEGIN { exit !(s > m) }'; then
    slowest=$seconds slowest_case=$name
  fi
  if [ "$kib" -gt "$largest" ] 2>/dev/null; then largest=$kib largest_case=$name; fi
  local why=""
  if [ "$rc" -eq 124 ]; then
    why="did not finish within 10 s"
  elif [ "$rc" -ne 2 ]; then
    why="exit $rc, expected 2"
  elif ! grep -qE -- "$expect" "$work/stderr"; then
    why="stderr does not match /$expect/"
  elif [ "$kib" -gt 1048576 ]; then
    why="used $((kib / 1024)) MiB, more than 1 GiB"
  elif grep -qiE 'internal error|terminate called|AddressSanitizer|runtime error' "$work/stderr"; then
    why="crashed or tripped a sanitizer"
  fi
  if [ -n "$why" ]; then
    failures=$((failures + 1))
    echo "FAIL: $name: $why"
    sed -n '1,5s/^/    /p' "$work/stderr"
  else
    echo "ok:   $name (${seconds}s, $((kib / 1024)) MiB): $(head -1 "$work/stderr" | cut -c1-150)"
  fi
}

# --- scenario files
for file in "$corpus"/scenarios/*.textproto; do
  name=$(basename "$file" .textproto)
  expect=$(head -1 "$file" | sed -n 's/^# expect: //p')
  case_ "scenario $name" "$expect" "$tp" run "$file" --out "$work/out-$name"
done

# --- files that are not scenario files
valid="$work/valid.textproto"
printf 'name: "valid" duration: "10m"\nplanet { storage_nodes: 1 }\n' >"$valid"
mkfifo "$work/fifo"
case_ "a FIFO as the scenario" 'fifo: is a FIFO' "$tp" run "$work/fifo" --out "$work/o1"
case_ "/dev/zero as the scenario" '/dev/zero: is a device' "$tp" run /dev/zero --out "$work/o2"
case_ "a directory as the scenario" 'is actually a directory' "$tp" run "$work" --out "$work/o3"
head -c $((5 << 20)) /dev/zero | tr '\0' ' ' >"$work/huge.textproto"
case_ "a 5 MiB scenario file" 'huge.textproto: is 5242880 bytes, more than' \
  "$tp" run "$work/huge.textproto" --out "$work/o4"
case_ "a missing scenario file" 'missing.textproto' "$tp" run "$work/missing.textproto"

# --- flags
case_ "--seed -1" '--seed: expected a seed' "$tp" run "$valid" --seed -1 --out "$work/f1"
case_ "--seed empty" '--seed: expected a seed, .* got ""' "$tp" run "$valid" --seed "" --out "$work/f2"
case_ "--seed 2^64" '--seed: 18446744073709551616 is more than the largest seed' \
  "$tp" run "$valid" --seed 18446744073709551616 --out "$work/f3"
case_ "--seed 1e3" '--seed: expected a seed' "$tp" run "$valid" --seed 1e3 --out "$work/f4"
case_ "--stop-at negative" '--stop-at: must not be negative' \
  "$tp" run "$valid" --stop-at -5m --out "$work/f5"
case_ "--stop-at garbage" '--stop-at: ' "$tp" run "$valid" --stop-at soon --out "$work/f6"
case_ "inspect --at negative names --at" '^testplanet: --at: must not be negative' \
  "$tp" inspect "$valid" --at -1s --out "$work/f7"
case_ "--first-seed near 2^64" '--first-seed 18446744073709551615 with --seeds 5 runs past' \
  "$tp" check-determinism "$valid" --first-seed 18446744073709551615
case_ "--first-seed empty" '--first-seed: expected a seed' \
  "$tp" check-determinism "$valid" --first-seed ""
case_ "an unknown subcommand" 'unknown subcommand "rnu"; did you mean run' "$tp" rnu "$valid"
case_ "a mistyped flag" 'unknown flag --sed; did you mean --seed' "$tp" run --sed 3 "$valid"
case_ "a mistyped flag after the file" 'unknown flag --quite; did you mean --quiet' \
  "$tp" run "$valid" --quite
case_ "--max-events 0" '--max-events: must be at least 1' "$tp" run "$valid" --max-events 0
case_ "--max-events -1" '--max-events: expected a number of events, 1 to' \
  "$tp" run "$valid" --max-events -1
case_ "--max-events 2^64" '--max-events: 18446744073709551616 is more than the largest number of events' \
  "$tp" run "$valid" --max-events 18446744073709551616
case_ "--max-memory 0" '--max-memory: must be at least 1 byte' "$tp" run "$valid" --max-memory 0
case_ "--max-memory in furlongs" '--max-memory: expected a byte count' \
  "$tp" run "$valid" --max-memory 5furlongs
case_ "--max-memory past 2^64" '--max-memory: .* more bytes than 2\^64' \
  "$tp" run "$valid" --max-memory 99999999999TiB
case_ "a budget too small for the scenario" 'valid.textproto: the run would fire about' \
  "$tp" run "$valid" --max-events 10 --out "$work/f8"
case_ "--planted-bug unknown" '--planted-bug: ' "$tp" run "$valid" --planted-bug gremlins
case_ "--seeds backwards" '--seeds: expected A..B with A <= B' "$tp" sweep "$valid" --seeds 5..1
case_ "--seeds past 2^64" '--seeds: expected A..B' \
  "$tp" sweep "$valid" --seeds 1..18446744073709551616
case_ "--jobs 0" '--jobs must be 1 to 256' "$tp" sweep "$valid" --seeds 1..2 --jobs 0
case_ "--shard past the count" 'shard index 3 is not below the shard count 2' \
  "$tp" sweep "$valid" --seeds 1..2 --shard 3/2
for budget in "10 minutes" 0s -1m 1e3; do
  case_ "--time-budget $budget" '--time-budget: expected a duration such as 10m' \
    "$tp" sweep "$valid" --seeds 1..2 --time-budget "$budget" --out "$work/tb"
done
# --- sweep reports that merge cannot take: each named by file, line and field
printf '{"testplanet_sweep":1,"scenario":"s","seed":1,"exit":0,"reproduce":"r"}\n{"seed": 2\n' >"$work/cut.jsonl"
case_ "merge: a report cut short" 'cut.jsonl:2: is not valid JSON' "$tp" merge "$work/cut.jsonl" --out "$work/m1"
echo '{"seed": 1, "exit": 0}' >"$work/other.jsonl"
case_ "merge: JSON lines of another tool" 'other.jsonl:1: testplanet_sweep: .*not a testplanet sweep report' \
  "$tp" merge "$work/other.jsonl" --out "$work/m2"
printf '{"testplanet_sweep":1,"scenario":"s","seed":1,"exit":300,"reproduce":"r"}\n' >"$work/exit.jsonl"
case_ "merge: an exit code past 255" 'exit.jsonl:1: exit: expected an exit code' "$tp" merge "$work/exit.jsonl" --out "$work/m3"
printf '{"testplanet_sweep":1,"scenario":"s","seed":1,"exit":1,"reproduce":"r","failure":"x"}\n' >"$work/failure.jsonl"
case_ "merge: a failure that is not an object" 'failure.jsonl:1: failure: expected \{kind' "$tp" merge "$work/failure.jsonl" --out "$work/m4"
printf '{"testplanet_sweep":1,"scenario":"s","seed":1,"exit":0,"reproduce":"r"}\n' >"$work/one.jsonl"
cp "$work/one.jsonl" "$work/again.jsonl"
case_ "merge: shards that overlap" 'seed 1 is in more than one report' \
  "$tp" merge "$work/one.jsonl" "$work/again.jsonl" --out "$work/m5"
case_ "merge: a directory for a report" 'reports: .*(Directory|directory)' "$tp" merge "$work" --out "$work/m6"
cp "$valid" "$work/same_name.textproto"
case_ "two scenarios of one name" 'name: "valid" is also the name of' \
  "$tp" run "$valid" "$work/same_name.textproto" --out "$work/f9"

# --- output paths that are not ours: refused before anything runs, and left as they were
mkdir -p "$work/home" && echo "my notes" >"$work/home/log.txt"
case_ "--out a directory of someone's files" '--out: .*home: holds files testplanet did not write' \
  "$tp" run "$valid" --out "$work/home"
echo "a file" >"$work/afile"
case_ "--out a file" '--out: .*afile: is not a directory' "$tp" run "$valid" --out "$work/afile"
case_ "--out under a file" '--out: cannot create .*afile/sub' "$tp" run "$valid" --out "$work/afile/sub"
case_ "sweep --out under a file" '--out: cannot create .*afile/sub' \
  "$tp" sweep "$valid" --seeds 1..1 --out "$work/afile/sub"
case_ "merge --out under a file" '--out: cannot create .*afile/sub' \
  "$tp" merge "$work/one.jsonl" --out "$work/afile/sub"
case_ "sweep --out a directory of someone's files" '--out: .*home: holds files' \
  "$tp" sweep "$valid" --seeds 1..1 --out "$work/home"
case_ "merge --out a directory of someone's files" '--out: .*home: holds files' \
  "$tp" merge "$work/one.jsonl" --out "$work/home"
echo "my report" >"$work/report.jsonl"
case_ "sweep --report over someone's file" '--report .*report.jsonl: exists and testplanet did not write it' \
  "$tp" sweep "$valid" --seeds 1..1 --out "$work/sweep" --report "$work/report.jsonl"
case_ "sweep --report under a file" '--report .*afile is not a directory' \
  "$tp" sweep "$valid" --seeds 1..1 --out "$work/sweep2" --report "$work/afile/r.jsonl"
if [ "$(cat "$work/home/log.txt")" != "my notes" ] || [ "$(cat "$work/report.jsonl")" != "my report" ] ||
  [ "$(cat "$work/afile")" != "a file" ] || [ -e "$work/home/.testplanet" ]; then
  echo "FAIL: a refused command changed a file it did not create"
  failures=$((failures + 1))
fi

# --- run directories read back: start from a real run, then break one thing at a time
"$tp" run "$valid" --out "$work/run" --quiet >/dev/null || { echo "FAIL: the valid run"; exit 1; }
fresh() { rm -rf "$work/bad" && cp -r "$work/run" "$work/bad"; }
edit() { sed -i -E "$1" "$work/bad/manifest.json"; }
for command in replay shrink; do
  fresh && edit 's/"seed": [0-9]+/"seed": "1"/'
  case_ "$command: seed a string" 'manifest.json: seed: expected an unsigned integer, found a string' "$tp" $command "$work/bad"
  fresh && edit 's/"seed": [0-9]+/"seed": -1/'
  case_ "$command: seed negative" 'manifest.json: seed: expected an unsigned integer, found a negative' "$tp" $command "$work/bad"
  fresh && edit 's/"digest": "[0-9a-f]+"/"digest": 12/'
  case_ "$command: digest a number" 'manifest.json: digest: expected a string' "$tp" $command "$work/bad"
  fresh && edit 's/"planted_bug": "[^"]*"/"planted_bug": ["x"]/'
  case_ "$command: planted_bug an array" 'manifest.json: planted_bug: expected a string, found an array' "$tp" $command "$work/bad"
  fresh && edit 's/"invariants": (true|false)/"invariants": "yes"/'
  case_ "$command: invariants a string" 'manifest.json: invariants: expected true or false' "$tp" $command "$work/bad"
  fresh && edit 's/"stop_at": "[^"]*"/"stop_at": "whenever"/'
  case_ "$command: stop_at garbage" 'manifest.json: stop_at: expected a duration' "$tp" $command "$work/bad"
  fresh && edit '/"seed"/d'
  case_ "$command: seed missing" 'manifest.json: seed: missing' "$tp" $command "$work/bad"
  fresh && echo '[1, 2]' >"$work/bad/manifest.json"
  case_ "$command: manifest an array" 'manifest.json: expected a JSON object, found an array' "$tp" $command "$work/bad"
  fresh && echo '{"seed": ' >"$work/bad/manifest.json"
  case_ "$command: manifest cut short" 'manifest.json: is not valid JSON' "$tp" $command "$work/bad"
  fresh && rm "$work/bad/manifest.json" && mkdir "$work/bad/manifest.json"
  case_ "$command: manifest a directory" 'manifest.json: is a directory' "$tp" $command "$work/bad"
  fresh && rm "$work/bad/manifest.json"
  case_ "$command: manifest missing" 'manifest.json: no such file' "$tp" $command "$work/bad"
  fresh && sed -i 's/duration: "10m"/duration: "9m"/' "$work/bad/scenario.textproto"
  case_ "$command: scenario edited after the run" 'scenario.textproto no longer matches the manifest' "$tp" $command "$work/bad"
  fresh && edit 's/"testplanet_manifest": 1/"testplanet_manifest": 7/'
  case_ "$command: a manifest version from the future" 'testplanet_manifest: version 7' "$tp" $command "$work/bad"
done
fresh && echo "my notes" >"$work/notes.textproto"
case_ "shrink --out over someone's file" '--out .*notes.textproto: exists and testplanet did not write it' \
  "$tp" shrink "$work/bad" --out "$work/notes.textproto"
[ "$(cat "$work/notes.textproto")" = "my notes" ] || { echo "FAIL: shrink overwrote notes"; failures=$((failures + 1)); }

# --- at the limits: must run, not crash or wrap
for file in "$corpus"/at_the_limits/*.textproto; do
  name=$(basename "$file" .textproto)
  timeout 60 "$tp" run "$file" --out "$work/limit-$name" --quiet >"$work/stdout" 2>"$work/stderr"
  rc=$?
  if [ "$rc" -gt 1 ] || grep -qiE 'internal error|terminate called|AddressSanitizer|runtime error' \
    "$work/stderr" "$work/stdout"; then
    failures=$((failures + 1))
    echo "FAIL: at the limits: $name: exit $rc"
    sed -n '1,5s/^/    /p' "$work/stderr"
  else
    echo "ok:   at the limits: $name runs (exit $rc)"
  fi
done

echo "corpus: $cases cases, $failures failed; slowest ${slowest}s ($slowest_case), largest $((largest / 1024)) MiB ($largest_case)"
[ "$failures" -eq 0 ]
