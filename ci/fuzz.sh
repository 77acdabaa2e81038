#!/usr/bin/env bash
# Builds the libFuzzer targets (part of the asan preset: clang, ASan, UBSan, and every library
# built with libFuzzer's coverage, so one build serves the sanitized tests and the fuzzers) and
# runs each for a while.
# Usage: ci/fuzz.sh [SECONDS_PER_TARGET]   (default 20; CI runs the default)
# A crash stops the script with the reproducer in build/asan/fuzz/artifacts/; corpora grow in
# build/asan/fuzz/corpus/ (not committed). Prints each target's executions and coverage.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
if ! command -v clang++ >/dev/null; then
  echo "ci/fuzz.sh: clang++ is missing (ci/deps.sh installs it)" >&2
  exit 2
fi
cmake --preset asan >/dev/null
cmake --build --preset asan --target fuzzers
out=build/asan/fuzz
targets=(scenario_parser settlement piecestore run_files command_line)
for target in "${targets[@]}"; do mkdir -p "$out/corpus/$target"; done
mkdir -p "$out/artifacts"
cp scenarios/examples/*.textproto scenarios/swarm/*.textproto "$out/corpus/scenario_parser/"
cp tests/malformed/scenarios/*.textproto "$out/corpus/scenario_parser/"
# Seeds for the files read back (first byte: 0 manifest.json, 1 summary.json, 2 trace.bin, 3 sweep.jsonl) and
# for the command line (words separated by NUL).
printf '\0{"testplanet_manifest": 1, "seed": 1, "digest": "0123456789abcdef", "scenario_hash": "x", "stop_at": "1h"}' \
  >"$out/corpus/run_files/manifest"
printf '\1{"digest": "0123456789abcdef", "events": 3}' >"$out/corpus/run_files/summary"
printf '\2TPTRACE1\1\0\0\0\0\0\0\0' >"$out/corpus/run_files/trace"
printf '\2TPTRACE2\1\1AAAAAAAA\2\2\0\0\1\2\3' >"$out/corpus/run_files/trace2"
# Version 3: the same record in one zstd frame (a frame this small has a one-byte size).
printf '\2\2\0\0\1\2\3' | zstd -1 -q -c >"$out/frame.zst"
{ printf '\2TPTRACE3\1\1AAAAAAAA\1'; printf "\\$(printf %o "$(stat -c %s "$out/frame.zst")")"
  cat "$out/frame.zst"; } >"$out/corpus/run_files/trace3"
printf '\3{"testplanet_sweep":1,"scenario":"x","seed":4,"exit":1,"reproduce":"r","failure":{"kind":"check","message":"m","signature":"s"}}\n' \
  >"$out/corpus/run_files/sweep"
printf 'run\0f.textproto\0--seed\0007\0--max-memory\0008GiB' >"$out/corpus/command_line/run"
printf 'sweep\0f\0--seeds\0001..9\0--shard\0001/2' >"$out/corpus/command_line/sweep"
for target in "${targets[@]}"; do
  log="$out"/$target.log
  quiet=()  # the command line explains each refusal on stderr: keep libFuzzer's output only
  if [ "$target" = command_line ]; then quiet=(-close_fd_mask=3); fi
  if ! ASAN_OPTIONS=detect_leaks=0 "build/asan/tests/fuzz/fuzz_$target" "${quiet[@]}" \
      -seed=1 -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=4096 \
      -artifact_prefix="$out"/artifacts/"$target"- "$out/corpus/$target" >"$log" 2>&1; then
    echo "fuzz_$target FOUND A PROBLEM:"; tail -40 "$log"
    exit 1
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
  speed=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 || true)
  corpus=$(ls "$out/corpus/$target" | wc -l)
  echo "fuzz_$target: $runs executions in ${seconds}s ($speed/s), $cov, corpus $corpus, no findings"
done
