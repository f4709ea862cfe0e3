#!/bin/sh
# Fidelity table: does a replay of a capture recorded at one memory limit
# predict the major faults the kernel takes at other limits? For each
# workload (ps-pressure zipf, phases, loop) and each access interval, the
# table has one row per limit: real major faults (getrusage of a bare run),
# and the replay's prediction with the linux, lru and clock policies, with
# the linux policy on the faults alone, and with the linux policy on the
# workload's exact reference string. docs/fidelity.md explains every column.
#
# usage: sudo bench/fidelity.sh [BUILD_DIR]
#   env INTERVALS       access intervals to record with (default "500ms 50ms")
#       FIDELITY_ORDER  --access-order for the replays (default spread)
#       FIDELITY_SCALE  multiplies each workload's access budget (default 1)
#       FIDELITY_RECORD_CPU  CPU quota of the recorded run, percent (default 25)
#
# The runs are those of tests/lab/fidelity_test.cpp (one harness, so the
# table and the test cannot disagree); it runs them with FIDELITY_NO_ASSERT=1
# and this script keeps its "fidelity|" lines. It holds
# /tmp/pagescope-kernel.lock, which every real-kernel test shares.
set -eu
build=${1:-build}
bin=$build/tests/lab/fidelity_test
if [ ! -x "$bin" ]; then
  echo "fidelity.sh: $bin is not built (cmake --build $build --target fidelity_test pagescope)" >&2
  exit 2
fi
if [ ! -x "$build/app/pagescope" ] && [ -z "${PAGESCOPE_BIN:-}" ]; then
  echo "fidelity.sh: $build/app/pagescope is not built (or set PAGESCOPE_BIN)" >&2
  exit 2
fi
if [ "$(id -u)" != 0 ]; then
  echo "fidelity.sh: needs root (zram swap, memory cgroups, BPF recording)" >&2
  exit 3
fi
for interval in ${INTERVALS:-500ms 50ms}; do
  echo "## access interval $interval, order ${FIDELITY_ORDER:-spread}"
  echo
  out=$(FIDELITY_NO_ASSERT=1 FIDELITY_INTERVAL=$interval flock /tmp/pagescope-kernel.lock \
        "$bin" --gtest_filter='FidelityTest.*' 2>&1) || true
  # Notes ("zipf: N references ...") first, then the table.
  printf '%s\n' "$out" | sed -n 's/^fidelity| \([a-z]*: .*\)/- \1/p'
  echo
  printf '%s\n' "$out" | sed -n '/^fidelity| [a-z]*: /!s/^fidelity| \(.*\)$/| \1 |/p'
  printf '%s\n' "$out" | grep -E 'Failure|Skipped|error' -A2 >&2 || true
  echo
done
