#!/usr/bin/env bash
# What `record --sample-contents` costs: records ps-pressure (text content,
# zipf over SIZE, SECONDS long; no memory limit, so every page stays
# resident and sampleable) once per rate, and prints the content sampler's
# own report line: pages sampled, the sampled compression ratios, and the
# sampler's thread CPU time as a share of one core. "default" is the
# sampler's default rate, which also holds itself to 2% of one core.
#
# usage: sudo bench/content_sampling.sh [BUILD_DIR]
#   env RATES    rates to try (default "default 100 400 1000 4000")
#       SIZE     workload size (default 256M)
#       SECONDS_ run length (default 5)
# Holds /tmp/pagescope-kernel.lock (it loads BPF programs like every
# real-kernel test).
set -euo pipefail
build=${1:-build}
bin=${PAGESCOPE_BIN:-$build/app/pagescope}
work=$build/workloads/ps-pressure
for f in "$bin" "$work"; do
  if [ ! -x "$f" ]; then
    echo "content_sampling.sh: $f is not built (cmake --build $build --target pagescope ps-pressure)" >&2
    exit 2
  fi
done
if [ "$(id -u)" != 0 ]; then
  echo "content_sampling.sh: needs root (record loads BPF programs, the sampler reads /proc/PID/mem)" >&2
  exit 3
fi
rates=${RATES:-default 100 400 1000 4000}
size=${SIZE:-256M}
secs=${SECONDS_:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-8s %s\n' rate "sampler report"
for rate in $rates; do
  extra=()
  [ "$rate" = default ] || extra=(--contents-rate "$rate")
  line=$(flock /tmp/pagescope-kernel.lock "$bin" record --sample-contents "${extra[@]}" -o "$tmp/c.psc" -- \
           "$work" --mode zipf --size "$size" --seconds "$secs" --content text --report-file "$tmp/r.json" 2>&1 |
         sed -n 's/^pagescope record: content sampling: //p')
  printf '%-8s %s\n' "$rate" "$line"
done
