#!/usr/bin/env bash
# Sets up dependencies, builds pagescope and runs every test (unit tests, and
# as root the real-kernel tests). Usage: scripts/test.sh [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
  scripts/setup-deps.sh
else
  scripts/setup-deps.sh || echo "test.sh: not root; continuing with the packages installed" >&2
fi

build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure -j"$(nproc)" "$@"
