#!/usr/bin/env bash
# What access sampling costs a 1 GiB-RSS workload (ps-access-phases --sweep:
# random 8-byte updates over 1 GiB of 4 KiB pages, a TLB miss each) run
# untraced, under `pagescope record`, and under `record --access-interval`,
# alternating runs so drift hits all three alike. Prints updates/s per run
# and the medians, the slowdown that sampling adds on top of recording
# (target <= 3%), and the sampler's own figures: walk time per interval
# (target <= 10 ms) and clear_refs time per interval.
#
#   bench/access_overhead.sh [BUILD_DIR] [RUNS] [MIB] [SECONDS] [INTERVAL]
# Needs root.
set -euo pipefail
build=${1:-build}
runs=${2:-5}
mib=${3:-1024}
secs=${4:-6}
interval=${5:-500ms}
ps=$build/app/pagescope
wl=$build/workloads/ps-access-phases
[ "$(id -u)" -eq 0 ] || { echo "access_overhead: needs root" >&2; exit 3; }
[ -x "$ps" ] && [ -x "$wl" ] || { echo "access_overhead: build first (cmake --build $build)" >&2; exit 2; }
work=$(mktemp -d /tmp/pagescope-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

rate() { sed -n 's/.*updates_per_s \([0-9]*\).*/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "sweep: ${mib} MiB, ${secs} s per run, access interval ${interval}, ${runs} runs each"
printf "%-6s %14s %14s %14s %10s %10s %10s %6s\n" run untraced record sampled walk_ms max_ms clear_ms lost
: >"$work/u"; : >"$work/r"; : >"$work/s"; : >"$work/w"; : >"$work/m"; : >"$work/c"
for i in $(seq 1 "$runs"); do
  u=$("$wl" --sweep "$mib" "$secs" | rate)
  r=$("$ps" record -o "$work/r.psc" -- "$wl" --sweep "$mib" "$secs" 2>/dev/null | rate)
  s=$("$ps" record -o "$work/s.psc" --access-interval "$interval" -- "$wl" --sweep "$mib" "$secs" \
      2>"$work/rec.log" | rate)
  line=$(grep 'access sampling:' "$work/rec.log" || true)
  [ -n "$line" ] || { echo "access_overhead: no access sampling in the record summary:" >&2; cat "$work/rec.log" >&2; exit 1; }
  walk=$(sed -n 's/.*walk \([0-9.]*\) ms mean.*/\1/p' <<<"$line")
  max=$(sed -n 's/.*, \([0-9.]*\) ms max per interval.*/\1/p' <<<"$line")
  clear=$(sed -n 's/.*clear_refs \([0-9.]*\) ms mean.*/\1/p' <<<"$line")
  lost=$(sed -n 's/.* records, \([0-9]*\) lost.*/\1/p' "$work/rec.log")
  echo "$u" >>"$work/u"; echo "$r" >>"$work/r"; echo "$s" >>"$work/s"
  echo "$walk" >>"$work/w"; echo "$max" >>"$work/m"; echo "$clear" >>"$work/c"
  printf "%-6s %14s %14s %14s %10s %10s %10s %6s\n" "$i" "$u" "$r" "$s" "$walk" "$max" "$clear" "${lost:--}"
done
mu=$(median <"$work/u"); mr=$(median <"$work/r"); msd=$(median <"$work/s")
printf "%-6s %14s %14s %14s %10s %10s %10s\n" median "$mu" "$mr" "$msd" \
  "$(median <"$work/w")" "$(median <"$work/m")" "$(median <"$work/c")"
echo "$line" | sed 's/^pagescope record: /last run: /'
awk -v r="$mr" -v s="$msd" 'BEGIN{printf "access sampling slowdown over record alone: %.1f%% (target <= 3%%)\n", (r/s-1)*100}'
awk -v u="$mu" -v s="$msd" 'BEGIN{printf "record + access sampling slowdown over untraced: %.1f%%\n", (u/s-1)*100}'
awk -v w="$(median <"$work/w")" 'BEGIN{printf "walk time per interval (median of means): %.2f ms (target <= 10 ms)\n", w}'
