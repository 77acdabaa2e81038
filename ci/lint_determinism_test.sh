#!/usr/bin/env bash
# Proves that ci/lint_determinism.sh catches each kind of violation it claims to, accepts a
# justified opt-out, refuses an opt-out without a reason, and passes clean code.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lint="$here/lint_determinism.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

expect() {  # expect <want-exit> <description> <file content>
  local want=$1 what=$2 content=$3
  rm -rf "$work/tree" && mkdir -p "$work/tree/peers"
  printf '%s\n' "$content" > "$work/tree/peers/planted.cc"
  bash "$lint" "$work/tree" > "$work/out" 2>&1
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, want $want"
    sed 's/^/    /' "$work/out"
    failures=$((failures + 1))
  else
    echo "ok:   $what"
  fi
}

expect 1 "system_clock"            'auto t = std::chrono::system_clock::now();'
expect 1 "steady_clock"            'auto t = std::chrono::steady_clock::now();'
expect 1 "high_resolution_clock"   'auto t = std::chrono::high_resolution_clock::now();'
expect 1 "time(nullptr)"           'long t = time(nullptr);'
expect 1 "std::time(0)"            'long t = std::time(0);'
expect 1 "gettimeofday"            'gettimeofday(&tv, nullptr);'
expect 1 "clock_gettime"           'clock_gettime(CLOCK_MONOTONIC, &ts);'
expect 1 "random_device"           'std::random_device rd;'
expect 1 "rand("                   'int x = rand();'
expect 1 "srand("                  'srand(42);'
expect 1 "std::thread"             'std::thread worker([] {});'
expect 1 "std::jthread"            'std::jthread worker([] {});'
expect 1 "std::async"              'auto f = std::async([] { return 1; });'
expect 1 "sleep_for"               'std::this_thread::sleep_for(std::chrono::seconds(1));'
expect 1 "usleep"                  'usleep(100);'
expect 1 "asio steady_timer"       'boost::asio::steady_timer timer(io);'
expect 1 "io_context run()"        'io.run();'
expect 1 "io_context run_for"      'io.run_for(std::chrono::seconds(1));'
expect 1 "opt-out without reason"  'auto t = std::chrono::steady_clock::now();  // determinism-ok:'
expect 0 "justified opt-out"       'auto t = std::chrono::steady_clock::now();  // determinism-ok: CLI progress display'
expect 0 "clean code"              'TimePoint t = sim.Now(); auto d = stream.Below(10); item.run(ctx); x.time(); Duration time() const;'
expect 0 "words in prose"             'auto label = "virtual time (0 to 5h)";'
expect 0 "names that merely contain the words" 'int runtime(0); int operand(1); bool brand(2); sim.RunFor(1s); TimerId sleep_until_event; Sleep(ctx, 1s);'

if [ "$failures" -ne 0 ]; then
  echo "$failures failed"
  exit 1
fi
echo "lint_determinism_test: all planted violations caught"
