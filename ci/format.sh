#!/usr/bin/env bash
# Formatting is clang-format's job (.clang-format at the root). With no argument, checks that
# every C++ source of ours is formatted (exit 1 and the files that are not); with --fix, formats
# them in place.
# Usage: ci/format.sh [--fix]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null 2>&1; then
  echo "format: clang-format is not installed (ci/deps.sh installs it)" >&2
  exit 2
fi
mapfile -t files < <(git ls-files --cached --others --exclude-standard 'sim/*.h' 'sim/*.cc' 'peers/*.h' 'peers/*.cc' 'fakes/*.h' \
  'fakes/*.cc' 'scenarios/*.h' 'scenarios/*.cc' 'tests/*.h' 'tests/*.cc')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  echo "format: formatted ${#files[@]} files"
  exit 0
fi
unformatted=()
for file in "${files[@]}"; do
  clang-format --dry-run -Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
done
if [ ${#unformatted[@]} -gt 0 ]; then
  printf 'format: not formatted: %s\n' "${unformatted[@]}"
  echo "format: run ci/format.sh --fix"
  exit 1
fi
echo "format: ${#files[@]} files formatted"
