#!/usr/bin/env bash
# The tracer's cost: a fault storm (ps-fault-storm: mmap, touch every 4 KiB
# page, munmap, repeat, on every core) run untraced, under `pagescope record`
# and under `perf record -e exceptions:page_fault_user`, alternating runs so
# drift hits all three alike. Prints faults/s per run and the median, the
# slowdown against untraced, lost events, and bytes per fault on disk, and
# where a fault's added CPU goes: in the faulting tasks (the storm's own
# user + system time, recorded minus untraced) and in the recorder (its own
# CPU, from its summary line); the BPF programs' part of the first comes
# from bpf_stats below, the rest is the kernel's event dispatch around them.
#
# Then what recording costs every other system call (dd bs=1 untraced and
# under record, alternated: the memory-syscall programs run on every system
# call of the machine when they hang on the raw sys_enter/sys_exit
# tracepoints), and STATS_RUNS (3) more recorded storms with
# kernel.bpf_stats_enabled=1 (restored afterwards): the runs and nanoseconds
# of each of pagescope's BPF programs over the storm (bpftool prog show before
# and after it), so the BPF cost per fault is a figure and not a guess from
# the slowdown. Those runs are not in the medians above (the statistics cost
# two clock reads per program run).
#
#   bench/record_overhead.sh [BUILD_DIR] [RUNS] [MIB] [ROUNDS]
#   DD_COUNT (2000000) bytes for dd; STATS_RUNS (3) storms with bpf_stats on
#   TRACEFS=as-booted|mounted|unmounted   how pagescope sees tracefs (default:
#     as the host has it). The other two run pagescope in a private mount
#     namespace (unshare -m) with tracefs mounted there, or with tracefs and
#     debugfs unmounted there: the host's mounts never change.
# Needs root. perf is optional (Debian package linux-perf); bpftool and jq for
# the per-program figures.
#
# perf mounts tracefs itself when it is missing, which would change the host
# for everyone (issue 12: tests must see the machine as booted), so every perf
# command runs in a private mount namespace too.
set -euo pipefail
build=${1:-build}
runs=${2:-5}
mib=${3:-1024}
rounds=${4:-2}
tracefs=${TRACEFS:-as-booted}
procs=$(nproc)
ps=$build/app/pagescope
storm=$build/workloads/ps-fault-storm
[ "$(id -u)" -eq 0 ] || { echo "record_overhead: needs root" >&2; exit 3; }
[ -x "$ps" ] && [ -x "$storm" ] || { echo "record_overhead: build first (cmake --build $build)" >&2; exit 2; }
case $tracefs in
  as-booted | mounted | unmounted) ;;
  *) echo "record_overhead: TRACEFS must be as-booted, mounted or unmounted" >&2; exit 2 ;;
esac
work=$(mktemp -d /tmp/pagescope-bench-XXXXXX)
stats_was=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo "")
cleanup() {
  [ -n "$stats_was" ] && sysctl -q -w kernel.bpf_stats_enabled="$stats_was" >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# in_ns CMD...: CMD as pagescope should see tracefs (see TRACEFS above).
# unshare -m makes every mount private by default, so nothing leaks out.
in_ns() {
  case $tracefs in
    as-booted) "$@" ;;
    mounted)
      unshare -m sh -c 'mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing || exit 97
                        exec "$@"' sh "$@" ;;
    unmounted)
      unshare -m sh -c 'for m in /sys/kernel/debug/tracing /sys/kernel/tracing /sys/kernel/debug; do
                          while mountpoint -q "$m"; do umount -l "$m" || exit 97; done
                        done
                        [ ! -e /sys/kernel/tracing/events ] || exit 97
                        exec "$@"' sh "$@" ;;
  esac
}
perf_ns() { unshare -m perf "$@"; }

have_perf=0
if command -v perf >/dev/null && perf_ns record -q -o "$work/probe.data" -e exceptions:page_fault_user -- true 2>/dev/null; then have_perf=1; fi

rate() { sed -n 's/.*faults_per_s \([0-9]*\).*/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "fault storm: ${mib} MiB x ${rounds} rounds x ${procs} processes, ${runs} runs each; tracefs for pagescope: $tracefs"
echo "pagescope: $("$ps" --version 2>/dev/null || echo "$ps")"
printf "%-4s %16s %16s %16s\n" run untraced pagescope perf
: >"$work/u"; : >"$work/p"; : >"$work/f"; : >"$work/cu"; : >"$work/cp"; : >"$work/cr"
lost_total=0; bytes_per_fault=""
for i in $(seq 1 "$runs"); do
  "$storm" "$mib" "$rounds" "$procs" >"$work/u.out"
  in_ns "$ps" record -o "$work/r.psc" -- "$storm" "$mib" "$rounds" "$procs" >"$work/p.out" 2>"$work/rec.log"
  u=$(rate <"$work/u.out"); p=$(rate <"$work/p.out")
  # Per fault: the storm's own CPU recorded minus untraced (what the programs
  # and the kernel's event paths add in the faulting tasks), and the recorder's.
  awk -v ns=1e9 '$1=="faults"{f=$2; c=$8} END{print c*ns/f}' "$work/u.out" >>"$work/cu"
  awk -v ns=1e9 '$1=="faults"{f=$2; c=$8} END{print c*ns/f}' "$work/p.out" >>"$work/cp"
  rec_cpu=$(sed -n 's/.*recorder CPU \([0-9.]*\) s.*/\1/p' "$work/rec.log")
  awk -v c="${rec_cpu:-0}" '$1=="faults"{print c*1e9/$2}' "$work/p.out" >>"$work/cr"
  lost=$(sed -n 's/.* records, \([0-9]*\) lost.*/\1/p' "$work/rec.log")
  lost_total=$((lost_total + ${lost:-0}))
  faults=$(awk '$1=="fault"{print $2}' "$work/rec.log")
  size=$(stat -c %s "$work/r.psc")
  bytes_per_fault=$(awk -v s="$size" -v f="$faults" 'BEGIN{printf "%.2f", s/f}')
  f="-"
  if [ $have_perf = 1 ]; then
    f=$(perf_ns record -q -o "$work/perf.data" -e exceptions:page_fault_user -- "$storm" "$mib" "$rounds" "$procs" 2>/dev/null | rate)
    perf_bytes=$(stat -c %s "$work/perf.data")
    echo "$f" >>"$work/f"
  fi
  echo "$u" >>"$work/u"; echo "$p" >>"$work/p"
  printf "%-4s %16s %16s %16s\n" "$i" "$u" "$p" "$f"
done
mu=$(median <"$work/u"); mp=$(median <"$work/p")
printf "%-4s %16s %16s %16s\n" median "$mu" "$mp" "$( [ $have_perf = 1 ] && median <"$work/f" || echo -)"
awk -v u="$mu" -v p="$mp" 'BEGIN{printf "pagescope slowdown: %.1f%% (target <= 10%%, and no slower than perf record)\n", (u/p-1)*100}'
if [ $have_perf = 1 ]; then
  mf=$(median <"$work/f")
  awk -v u="$mu" -v f="$mf" 'BEGIN{printf "perf record slowdown: %.1f%%\n", (u/f-1)*100}'
  pf=$(perf_ns report -i "$work/perf.data" --stats 2>/dev/null | awk '/SAMPLE events:/{print $3; exit}')
  [ -n "${pf:-}" ] && awk -v s="$perf_bytes" -v n="$pf" 'BEGIN{printf "perf.data: %.1f bytes per fault\n", s/n}'
fi
echo "pagescope lost events over all runs: $lost_total (target 0)"
# Where a recorded fault's cost goes (medians over the runs): CPU the storm's
# tasks spend per fault beyond untraced (BPF programs, tracepoint and
# perf software-event dispatch, ring-buffer reserve/commit, all in the
# faulting task), and the recorder's own CPU per fault (drain, encode,
# compress, write). The BPF programs' share of the first is split out below.
task_extra=$(paste -d' ' "$work/cp" "$work/cu" | awk '{print $1 - $2}' | median)
recorder_ns=$(median <"$work/cr")
printf "CPU per fault (medians): storm untraced %.0f ns, recorded %.0f ns: +%.0f ns in the faulting tasks; recorder %.0f ns\n" \
  "$(median <"$work/cu")" "$(median <"$work/cp")" "$task_extra" "$recorder_ns"
echo "pagescope capture: $bytes_per_fault bytes per fault record on disk (target <= 2)"
if [ -s "$work/rec.log" ] && grep -q "missing source" "$work/rec.log"; then
  echo "sources pagescope went without (record's notes):"
  grep "missing source" "$work/rec.log" | sed 's/^/  /'
fi

# What recording costs every other system call. Memory syscalls come from the
# syscalls:sys_enter/exit_NAME events when their ids can be read from tracefs
# (mounted privately if need be): other calls then only pass the kernel's
# syscall-event probe. With PAGESCOPE_NO_TRACEFS=1 they come from the raw
# sys_enter/sys_exit tracepoints, whose BPF programs run on every call of
# every process. dd bs=1 makes one read and one write per byte; the three
# kinds of run alternate, and the difference per call is the cost.
dd_count=${DD_COUNT:-2000000}
dd_secs() { sed -n 's/.*copied, \([0-9.]*\) s.*/\1/p' | head -1; }
: >"$work/du"; : >"$work/dp"; : >"$work/dr"
for i in $(seq 1 "$runs"); do
  dd if=/dev/zero of=/dev/null bs=1 count="$dd_count" 2>&1 | dd_secs >>"$work/du"
  in_ns "$ps" record -o "$work/d.psc" -- dd if=/dev/zero of=/dev/null bs=1 count="$dd_count" 2>&1 | dd_secs >>"$work/dp"
  PAGESCOPE_NO_TRACEFS=1 in_ns "$ps" record -o "$work/d.psc" -- dd if=/dev/zero of=/dev/null bs=1 count="$dd_count" 2>&1 | dd_secs >>"$work/dr"
done
du=$(median <"$work/du"); dp=$(median <"$work/dp"); dr=$(median <"$work/dr")
awk -v u="$du" -v p="$dp" -v r="$dr" -v n="$dd_count" 'BEGIN{
  printf "system calls (dd bs=1, %d read+write pairs, medians of runs): %.0f ns untraced\n", n, u * 1e9 / (2 * n)
  printf "  recorded, syscalls:* events (default):       %.0f ns, %+.0f ns per call\n", p * 1e9 / (2 * n), (p - u) * 1e9 / (2 * n)
  printf "  recorded, raw sys_enter/exit (no tracefs):   %.0f ns, %+.0f ns per call\n", r * 1e9 / (2 * n), (r - u) * 1e9 / (2 * n) }'

# The BPF programs' own time, per fault of the storm: STATS_RUNS recorded
# runs (default 3) with bpf_stats on, medians per program (ns per run moves
# with the load on a shared machine; the median of a few is steadier).
if [ -z "$stats_was" ] || ! command -v bpftool >/dev/null || ! command -v jq >/dev/null; then
  echo "BPF run time: skipped (needs the kernel.bpf_stats_enabled sysctl, bpftool and jq)"
  exit 0
fi
stats_runs=${STATS_RUNS:-3}
for k in $(seq 1 "$stats_runs"); do
  bpftool prog show --json >"$work/base.json"  # programs that are not pagescope's
  sysctl -q -w kernel.bpf_stats_enabled=1
  in_ns "$ps" record -o "$work/s.psc" -- sh -c '
    w=$1; shift
    bpftool prog show --json >"$w/s0.json"
    "$@" >"$w/storm.out"
    bpftool prog show --json >"$w/s1.json"' sh "$work" "$storm" "$mib" "$rounds" "$procs" \
    >/dev/null 2>"$work/stats.log"
  sysctl -q -w kernel.bpf_stats_enabled="$stats_was"
  storm_faults=$(sed -n 's/^faults \([0-9]*\).*/\1/p' "$work/storm.out")
  # One row per program pagescope loaded (ids new since base.json): run,
  # storm faults, name, type, runs and nanoseconds over the storm (s1 - s0).
  jq -r -n --slurpfile base "$work/base.json" --slurpfile s0 "$work/s0.json" --slurpfile s1 "$work/s1.json" \
     --arg k "$k" --arg faults "${storm_faults:-0}" '
    ($base[0] | map(.id)) as $old
    | ($s0[0] | map({key: (.id | tostring), value: .}) | from_entries) as $at0
    | $s1[0][] | select(.id as $i | ($old | index($i)) == null)
    | [$k, $faults, .name, .type,
       ((.run_cnt // 0) - ($at0[.id | tostring].run_cnt // 0)),
       ((.run_time_ns // 0) - ($at0[.id | tostring].run_time_ns // 0))] | @tsv' >>"$work/progs.tsv"
done
awk -F'\t' -v runs="$stats_runs" -v task_extra="$task_extra" -v recorder_ns="$recorder_ns" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
    return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
  }
  {
    k = $1; faults[k] = $2
    if (!($3 in type)) { order[++nprog] = $3; type[$3] = $4 }
    cnt[$3] = cnt[$3] " " $5; ns[$3] = ns[$3] " " $6; per[$3] = per[$3] " " ($5 ? $6 / $5 : 0)
    all[k] += $6
    if ($3 ~ /fault/) fault[k] += $6
    if ($3 ~ /^(enter_|exit_|mm_sys_)/) { sysr[k] += $5; sysn[k] += $6 }
  }
  END {
    for (k in faults) { fl = fl " " faults[k]; fp = fp " " (faults[k] ? fault[k] / faults[k] : 0)
                        ap = ap " " (faults[k] ? all[k] / faults[k] : 0); sr = sr " " sysr[k]; sn = sn " " sysn[k]
                        sp = sp " " (faults[k] ? sysn[k] / faults[k] : 0) }
    printf "BPF programs over a recorded storm of %d faults, bpf_stats on (medians of %d runs):\n", median(fl), runs
    printf "  %-32s %-11s %12s %14s %8s\n", "program", "type", "runs", "ns", "ns/run"
    for (i = 1; i <= nprog; i++) { p = order[i]
      printf "  %-32s %-11s %12d %14d %8.0f\n", p, type[p], median(cnt[p]), median(ns[p]), median(per[p]) }
    printf "BPF ns per storm fault: %.0f in the fault programs, %.0f in all programs\n", median(fp), median(ap)
    # bpf_stats times each run with two clock reads of its own, so the BPF
    # figure is an upper bound and what is left for the dispatch a lower one.
    printf "per-fault cost breakdown: %.0f ns in the faulting task = %.0f ns in BPF programs (at most; bpf_stats adds its clock reads) + %.0f ns (at least) in the kernel around them (tracepoint and perf software-event dispatch); + %.0f ns in the recorder\n",
           task_extra, median(ap), task_extra - median(ap), recorder_ns
    printf "syscall programs: %d runs, %d ns (%.1f ns per storm fault); memory syscalls only (syscalls:* events), or every syscall of every process under PAGESCOPE_NO_TRACEFS=1\n",
           median(sr), median(sn), median(sp) }' "$work/progs.tsv"
