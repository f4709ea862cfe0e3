#!/usr/bin/env bash
# The tracer's cost: a fault storm (ps-fault-storm: mmap, touch every 4 KiB
# page, munmap, repeat, on every core) run untraced, under `pagescope record`
# and under `perf record -e exceptions:page_fault_user`, alternating runs so
# drift hits all three alike. Prints faults/s per run and the median, the
# slowdown against untraced, lost events, and bytes per fault on disk.
#
#   bench/record_overhead.sh [BUILD_DIR] [RUNS] [MIB] [ROUNDS]
# Needs root. perf is optional (Debian package linux-perf).
set -euo pipefail
build=${1:-build}
runs=${2:-5}
mib=${3:-1024}
rounds=${4:-2}
procs=$(nproc)
ps=$build/app/pagescope
storm=$build/workloads/ps-fault-storm
[ "$(id -u)" -eq 0 ] || { echo "record_overhead: needs root" >&2; exit 3; }
[ -x "$ps" ] && [ -x "$storm" ] || { echo "record_overhead: build first (cmake --build $build)" >&2; exit 2; }
work=$(mktemp -d /tmp/pagescope-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
have_perf=0
if command -v perf >/dev/null && perf record -q -o "$work/probe.data" -e exceptions:page_fault_user -- true 2>/dev/null; then have_perf=1; fi

rate() { sed -n 's/.*faults_per_s \([0-9]*\).*/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "fault storm: ${mib} MiB x ${rounds} rounds x ${procs} processes, ${runs} runs each"
printf "%-4s %16s %16s %16s\n" run untraced pagescope perf
: >"$work/u"; : >"$work/p"; : >"$work/f"
lost_total=0; bytes_per_fault=""
for i in $(seq 1 "$runs"); do
  u=$("$storm" "$mib" "$rounds" "$procs" | rate)
  p=$("$ps" record -o "$work/r.psc" -- "$storm" "$mib" "$rounds" "$procs" 2>"$work/rec.log" | rate)
  lost=$(sed -n 's/.* records, \([0-9]*\) lost.*/\1/p' "$work/rec.log")
  lost_total=$((lost_total + ${lost:-0}))
  faults=$(awk '$1=="fault"{print $2}' "$work/rec.log")
  size=$(stat -c %s "$work/r.psc")
  bytes_per_fault=$(awk -v s="$size" -v f="$faults" 'BEGIN{printf "%.2f", s/f}')
  f="-"
  if [ $have_perf = 1 ]; then
    f=$(perf record -q -o "$work/perf.data" -e exceptions:page_fault_user -- "$storm" "$mib" "$rounds" "$procs" 2>/dev/null | rate)
    perf_bytes=$(stat -c %s "$work/perf.data")
    echo "$f" >>"$work/f"
  fi
  echo "$u" >>"$work/u"; echo "$p" >>"$work/p"
  printf "%-4s %16s %16s %16s\n" "$i" "$u" "$p" "$f"
done
mu=$(median <"$work/u"); mp=$(median <"$work/p")
printf "%-4s %16s %16s %16s\n" median "$mu" "$mp" "$( [ $have_perf = 1 ] && median <"$work/f" || echo -)"
awk -v u="$mu" -v p="$mp" 'BEGIN{printf "pagescope slowdown: %.1f%% (target <= 5%%)\n", (u/p-1)*100}'
if [ $have_perf = 1 ]; then
  mf=$(median <"$work/f")
  awk -v u="$mu" -v f="$mf" 'BEGIN{printf "perf record slowdown: %.1f%%\n", (u/f-1)*100}'
  pf=$(perf report -i "$work/perf.data" --stats 2>/dev/null | awk '/SAMPLE events:/{print $3; exit}')
  [ -n "${pf:-}" ] && awk -v s="$perf_bytes" -v n="$pf" 'BEGIN{printf "perf.data: %.1f bytes per fault\n", s/n}'
fi
echo "pagescope lost events over all runs: $lost_total (target 0)"
echo "pagescope capture: $bytes_per_fault bytes per fault record on disk (target <= 8)"
