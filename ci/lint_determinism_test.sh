#!/usr/bin/env bash
# Proves that ci/lint_determinism.sh catches each kind of violation it claims to, accepts a
# justified opt-out, refuses an opt-out without a reason, and passes clean code. Every case is a
# file of its own in one tree, linted once: each file of a violation must be named, no clean one.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lint="$here/lint_determinism.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
mkdir -p "$work/tree/peers" "$work/clean/peers"
n=0
bad=()
good=()
violation() {  # violation <description> <line>
  n=$((n + 1))
  printf '%s\n' "$2" > "$work/tree/peers/case$n.cc"
  bad+=("case$n.cc|$1")
}
clean() {  # clean <description> <line>
  n=$((n + 1))
  printf '%s\n' "$2" > "$work/tree/peers/case$n.cc"
  printf '%s\n' "$2" > "$work/clean/peers/case$n.cc"
  good+=("case$n.cc|$1")
}

violation "system_clock"            'auto t = std::chrono::system_clock::now();'
violation "steady_clock"            'auto t = std::chrono::steady_clock::now();'
violation "high_resolution_clock"   'auto t = std::chrono::high_resolution_clock::now();'
violation "time(nullptr)"           'long t = time(nullptr);'
violation "std::time(0)"            'long t = std::time(0);'
violation "gettimeofday"            'gettimeofday(&tv, nullptr);'
violation "clock_gettime"           'clock_gettime(CLOCK_MONOTONIC, &ts);'
violation "random_device"           'std::random_device rd;'
violation "rand("                   'int x = rand();'
violation "srand("                  'srand(42);'
violation "std::thread"             'std::thread worker([] {});'
violation "std::jthread"            'std::jthread worker([] {});'
violation "std::async"              'auto f = std::async([] { return 1; });'
violation "sleep_for"               'std::this_thread::sleep_for(std::chrono::seconds(1));'
violation "usleep"                  'usleep(100);'
violation "asio steady_timer"       'boost::asio::steady_timer timer(io);'
violation "io_context run()"        'io.run();'
violation "io_context run_for"      'io.run_for(std::chrono::seconds(1));'
violation "unordered_map"           'std::unordered_map<std::string, int> counts;'
violation "unordered_set"           'std::unordered_set<NodeId> seen;'
violation "a map keyed by pointer"  'std::map<const Endpoint*, int> by_endpoint;'
violation "a set of pointers"       'std::set<Peer*> alive;'
violation "std::less over pointers" 'std::sort(v.begin(), v.end(), std::less<Node*>());'
violation "opt-out without reason"  'auto t = std::chrono::steady_clock::now();  // determinism-ok:'
clean "justified opt-out"           'auto t = std::chrono::steady_clock::now();  // determinism-ok: CLI progress display'
clean "justified unordered lookup"  'std::unordered_map<int, int> cache;  // determinism-ok: lookups only, never iterated'
clean "clean code"                  'TimePoint t = sim.Now(); auto d = stream.Below(10); item.run(ctx); x.time(); Duration time() const;'
clean "words in prose"              'auto label = "virtual time (0 to 5h)";'
clean "names that merely contain the words" 'int runtime(0); int operand(1); bool brand(2); sim.RunFor(1s); TimerId sleep_until_event; Sleep(ctx, 1s);'
clean "ordered maps and pointers that order nothing" 'std::map<PeerId, std::unique_ptr<Peer>> peers; std::set<std::pair<int, int>> links; Peer* p = nullptr; std::vector<Node*> nodes;'

bash "$lint" "$work/tree" > "$work/out" 2>&1
code=$?
if [ "$code" -ne 1 ]; then
  echo "FAIL: the lint exited $code over a tree with violations, want 1"; failures=$((failures + 1))
fi
for entry in "${bad[@]}"; do
  file=${entry%%|*}; what=${entry#*|}
  if grep -q "/$file:" "$work/out"; then echo "ok:   $what is caught"; else
    echo "FAIL: $what is not caught"; failures=$((failures + 1)); fi
done
for entry in "${good[@]}"; do
  file=${entry%%|*}; what=${entry#*|}
  if grep -q "/$file:" "$work/out"; then
    echo "FAIL: $what is flagged:"; grep "/$file:" -A1 "$work/out" | sed 's/^/    /'
    failures=$((failures + 1))
  else
    echo "ok:   $what passes"
  fi
done
if bash "$lint" "$work/clean" > "$work/out" 2>&1; then echo "ok:   a clean tree passes (exit 0)"; else
  echo "FAIL: a clean tree fails:"; sed 's/^/    /' "$work/out"; failures=$((failures + 1)); fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failed"
  exit 1
fi
echo "lint_determinism_test: all planted violations caught"
