#!/usr/bin/env bash
# What access sampling costs a 1 GiB-RSS workload (ps-access-phases --sweep:
# random 8-byte updates over 1 GiB of 4 KiB pages, a TLB miss each) run
# untraced, under `pagescope record`, and under `record --access-interval`,
# alternating runs so drift hits all three alike. Prints updates/s per run
# and the medians, the slowdown that sampling adds on top of recording
# (target <= 3%), and the sampler's own figures: walk time per interval
# (target <= 10 ms) and clear_refs time per interval. A fourth column runs
# the workload with nothing but a shell loop writing clear_refs at the same
# interval ("1" then "4", as the sampler does: clear, then flush the TLB),
# which tells the walk's cost apart from clear_refs'.
#
# With RECLAIM=1 it also measures what clearing accessed bits does to the
# kernel's reclaim: ps-access-phases --filescan (a 128 MiB hot set re-read
# about every 100 ms plus a stream over a 512 MiB file) in a 224 MiB memory
# cgroup, with and without sampling at 500 ms and 50 ms; the hot set's
# residency says how well reclaim still protects it.
#
#   bench/access_overhead.sh [BUILD_DIR] [RUNS] [MIB] [SECONDS] [INTERVAL_MS]
# Needs root.
set -euo pipefail
build=${1:-build}
runs=${2:-5}
mib=${3:-1024}
secs=${4:-6}
interval_ms=${5:-500}
interval=${interval_ms}ms
ps=$build/app/pagescope
wl=$build/workloads/ps-access-phases
[ "$(id -u)" -eq 0 ] || { echo "access_overhead: needs root" >&2; exit 3; }
[ -x "$ps" ] && [ -x "$wl" ] || { echo "access_overhead: build first (cmake --build $build)" >&2; exit 2; }
work=$(mktemp -d /tmp/pagescope-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

rate() { sed -n 's/.*updates_per_s \([0-9]*\).*/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "sweep: ${mib} MiB, ${secs} s per run, access interval ${interval}, ${runs} runs each"
# The workload alone, its clear_refs rewritten every interval from outside.
clear_only() {
  "$wl" --sweep "$mib" "$secs" >"$work/co.out" &
  local pid=$! period
  period=$(awk -v m="$interval_ms" 'BEGIN{print m/1000}')
  while kill -0 "$pid" 2>/dev/null; do
    sleep "$period"
    { echo 1 >"/proc/$pid/clear_refs" && echo 4 >"/proc/$pid/clear_refs"; } 2>/dev/null || true
  done
  wait "$pid"
  rate <"$work/co.out"
}

printf "%-6s %12s %12s %12s %12s %8s %8s %9s %5s\n" run untraced record sampled clear_only walk_ms max_ms clear_ms lost
: >"$work/u"; : >"$work/r"; : >"$work/s"; : >"$work/w"; : >"$work/m"; : >"$work/c"; : >"$work/o"
for i in $(seq 1 "$runs"); do
  u=$("$wl" --sweep "$mib" "$secs" | rate)
  o=$(clear_only)
  r=$("$ps" record -o "$work/r.psc" -- "$wl" --sweep "$mib" "$secs" 2>/dev/null | rate)
  s=$("$ps" record -o "$work/s.psc" --access-interval "$interval" -- "$wl" --sweep "$mib" "$secs" \
      2>"$work/rec.log" | rate)
  line=$(grep 'access sampling:' "$work/rec.log" || true)
  [ -n "$line" ] || { echo "access_overhead: no access sampling in the record summary:" >&2; cat "$work/rec.log" >&2; exit 1; }
  walk=$(sed -n 's/.*walk \([0-9.]*\) ms mean.*/\1/p' <<<"$line")
  max=$(sed -n 's/.*, \([0-9.]*\) ms max per interval.*/\1/p' <<<"$line")
  clear=$(sed -n 's/.*clear_refs \([0-9.]*\) ms mean.*/\1/p' <<<"$line")
  lost=$(sed -n 's/.* records, \([0-9]*\) lost.*/\1/p' "$work/rec.log")
  echo "$u" >>"$work/u"; echo "$r" >>"$work/r"; echo "$s" >>"$work/s"; echo "$o" >>"$work/o"
  echo "$walk" >>"$work/w"; echo "$max" >>"$work/m"; echo "$clear" >>"$work/c"
  printf "%-6s %12s %12s %12s %12s %8s %8s %9s %5s\n" "$i" "$u" "$r" "$s" "$o" "$walk" "$max" "$clear" "${lost:--}"
done
mu=$(median <"$work/u"); mr=$(median <"$work/r"); msd=$(median <"$work/s"); mo=$(median <"$work/o")
printf "%-6s %12s %12s %12s %12s %8s %8s %9s\n" median "$mu" "$mr" "$msd" "$mo" \
  "$(median <"$work/w")" "$(median <"$work/m")" "$(median <"$work/c")"
echo "$line" | sed 's/^pagescope record: /last run: /'
awk -v r="$mr" -v s="$msd" 'BEGIN{printf "access sampling slowdown over record alone: %.1f%% (target <= 3%%)\n", (r/s-1)*100}'
awk -v u="$mu" -v s="$msd" 'BEGIN{printf "record + access sampling slowdown over untraced: %.1f%%\n", (u/s-1)*100}'
awk -v u="$mu" -v o="$mo" 'BEGIN{printf "clear_refs alone (no walk, no recorder) slowdown over untraced: %.1f%%\n", (u/o-1)*100}'
awk -v w="$(median <"$work/w")" 'BEGIN{printf "walk time per interval (median of means): %.2f ms (target <= 10 ms)\n", w}'

[ "${RECLAIM:-0}" = 1 ] || exit 0
# Reclaim with cleared accessed bits (cgroup v2 or v1 memory controller).
file=$work/reclaim.dat
dd if=/dev/urandom of="$file" bs=1M count=512 status=none
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  cg=/sys/fs/cgroup/pagescope-access-reclaim; mkdir -p "$cg"; echo $((224 << 20)) >"$cg/memory.max"
else
  cg=/sys/fs/cgroup/memory/pagescope-access-reclaim; mkdir -p "$cg"; echo $((224 << 20)) >"$cg/memory.limit_in_bytes"
fi
trap 'rmdir "$cg" 2>/dev/null; rm -rf "$work"' EXIT
echo
echo "reclaim: 128 MiB hot set re-read each pass + 64 MiB of stream per pass, 512 MiB file, 224 MiB limit, 20 s"
printf "%-10s %8s %8s %14s\n" sampling passes majflt hot_resident
for mode in none 500 50 none 500 50; do
  python3 -c "import os; fd=os.open('$file', os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)"
  extra=(); [ "$mode" = none ] || extra=(--access-interval "${mode}ms")
  out=$("$ps" record -o "$work/rc.psc" --cgroup "$cg" "${extra[@]}" -- "$wl" --filescan "$file" 128 64 20 2>/dev/null)
  printf "%-10s %8s %8s %14s\n" "$mode" \
    "$(sed -n 's/.*passes \([0-9]*\).*/\1/p' <<<"$out")" "$(sed -n 's/.*majflt \([0-9]*\).*/\1/p' <<<"$out")" \
    "$(sed -n 's/.*hot_resident \([0-9.]*\).*/\1/p' <<<"$out")"
done
