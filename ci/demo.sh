#!/usr/bin/env bash
# The README's first command: installs what is missing, builds (release preset) and runs the
# main job — every example scenario through the testplanet command (run directories under
# testplanet-out/examples), then the kernel demo. Arguments go to the demo (try --seed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target testplanet testplanet_demo
rm -rf testplanet-out/examples
./build/release/bin/testplanet run scenarios/examples/*.textproto --quiet \
  --out testplanet-out/examples
echo "every example passed; run directories (trace.json, timeline.svg, ...) in testplanet-out/examples"
echo
exec ./build/release/bin/testplanet-demo "$@"
