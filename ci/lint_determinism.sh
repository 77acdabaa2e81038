#!/usr/bin/env bash
# Determinism lint: fails when simulated code (sim/ peers/ fakes/ scenarios/) reads a real clock,
# real entropy, sleeps in real time, starts threads, uses Asio's real-time timers and run calls,
# uses an unordered container (its iteration order is unspecified, and may differ between runs
# and builds) or orders by pointer (a map or set keyed by a pointer, std::less over pointers:
# addresses differ between runs). A line may opt out only with a justification on the same line:
#     auto start = std::chrono::steady_clock::now();  // determinism-ok: CLI progress display
# Usage: ci/lint_determinism.sh [ROOT]   (ROOT defaults to the repository)
# Exit: 0 clean, 1 violations found (each printed as file:line: what), 2 bad usage.
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
if [ ! -d "$root" ]; then
  echo "lint_determinism: no such directory: $root" >&2
  exit 2
fi

# name|extended regular expression. B and E stand for identifier boundaries, so that our own
# names that merely contain a word (deadline_timer, sleep_until) are not flagged.
B='(^|[^_A-Za-z0-9])'
E='([^_A-Za-z0-9]|$)'
rules=(
  "real clock (std::chrono::system_clock)|${B}system_clock${E}"
  "real clock (std::chrono::steady_clock)|${B}steady_clock${E}"
  "real clock (std::chrono::high_resolution_clock)|${B}high_resolution_clock${E}"
  "real clock (time())|(^|[^_A-Za-z0-9.>])((std)?::)?time\\((nullptr|NULL|0|&)"
  "real clock (gettimeofday)|${B}gettimeofday${E}"
  "real clock (clock_gettime)|${B}clock_gettime${E}"
  "real entropy (std::random_device)|${B}random_device${E}"
  "real entropy (rand/srand)|(^|[^_A-Za-z0-9.>])s?rand[[:space:]]*\("
  "real entropy (getrandom/arc4random)|${B}(getrandom|arc4random)${E}"
  "thread (std::thread/jthread)|std::j?thread${E}"
  "thread (std::async)|std::async${E}"
  "thread (pthread_create)|${B}pthread_create${E}"
  "real sleep (sleep_for/sleep_until)|${B}(std::this_thread::)?sleep_(for|until)[[:space:]]*\("
  "real sleep (usleep/nanosleep/sleep)|(^|[^_A-Za-z0-9.>])(usleep|nanosleep|sleep)[[:space:]]*\("
  "real-time Asio timer|${B}(steady_timer|system_timer|deadline_timer|high_resolution_timer|basic_waitable_timer)${E}"
  "real-time Asio run call|\\.(run|run_one)[[:space:]]*\\([[:space:]]*\\)|\\.(run_for|run_until|run_one_for|run_one_until)[[:space:]]*\\("
  "unordered container (unspecified iteration order)|${B}unordered_(map|set|multimap|multiset)${E}"
  "ordering by pointer (a map or set keyed by a pointer)|${B}(map|set|multimap|multiset|priority_queue)<[[:space:]]*(const[[:space:]]+)?[_A-Za-z0-9:]+[[:space:]]*\\*"
  "ordering by pointer (std::less/greater over pointers)|${B}(less|greater)<[^>]*\\*[[:space:]]*>"
)

dirs=()
for d in sim peers fakes scenarios; do
  [ -d "$root/$d" ] && dirs+=("$root/$d")
done
[ ${#dirs[@]} -gt 0 ] || { echo "lint_determinism: nothing to check under $root"; exit 0; }

found=0
for rule in "${rules[@]}"; do
  name=${rule%%|*}
  pattern=${rule#*|}
  while IFS= read -r hit; do
    [ -n "$hit" ] || continue
    # An opt-out needs a reason: "determinism-ok:" followed by at least a few characters.
    if grep -qE 'determinism-ok:[[:space:]]*[^[:space:]].{2,}' <<<"$hit"; then
      continue
    fi
    printf '%s: %s\n' "${hit%%:*}:$(printf '%s' "$hit" | cut -d: -f2)" "$name"
    printf '    %s\n' "$(printf '%s' "$hit" | cut -d: -f3- | sed 's/^[[:space:]]*//')"
    found=1
  done < <(grep -rnE "$pattern" --include='*.h' --include='*.hpp' --include='*.cc' \
             --include='*.cpp' "${dirs[@]}" || true)
done

if [ "$found" -ne 0 ]; then
  echo "lint_determinism: simulated code must use the Simulator's clock, RandomStream and"
  echo "coroutines; mark a justified exception with '// determinism-ok: <why>' on the line."
  exit 1
fi
echo "lint_determinism: clean (${dirs[*]#$root/})"
