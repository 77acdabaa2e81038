#!/usr/bin/env bash
# The README's first command: installs what is missing, builds (release preset) and runs the
# main job. Until the scenario runner exists, that is testplanet-demo: chores ticking on the
# virtual clock, ending with the run's digest. Arguments go to the demo (try --help, --seed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target testplanet_demo
exec ./build/release/scenarios/testplanet-demo "$@"
