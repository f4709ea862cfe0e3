#!/usr/bin/env bash
# What `pagescope top` itself costs: its CPU use (user+system, % of one core)
# at a 1 s refresh, measured from /proc/PID/stat while it runs in a private
# tmux server (a real terminal, 100x30), in four situations:
#   idle             nothing else running
#   fault storm      a process faulting in 64 MiB over and over (~100k faults/s or more)
#   storm + detail   the same, with top's detail screen open on that process (reads smaps each second)
#   500 processes    500 extra sleeping processes to list
# each with both data sources: /proc only (--source proc) and BPF (--source
# bpf: the tracer on every process; needs root). With BPF the handlers run in
# the faulting processes and are charged to them, not to top: the figure is
# top's own cost of draining the ring buffer and drawing.
# During the storm it also prints the storm's own fault rate: with BPF the
# tracer's per-fault cost is paid by the faulting process (see record_overhead.sh).
# Target: <= 2% of one core on an idle system.
#
# Usage: bench/tui_top_cost.sh [BUILD_DIR] [SECONDS_PER_CASE] [SOURCES]
#   SOURCES: "proc bpf" (default; bpf is skipped when not root)
set -euo pipefail
build=${1:-build}
secs=${2:-20}
sources=${3:-proc bpf}
if [[ $(id -u) != 0 ]]; then sources=${sources//bpf/}; fi
bin=$(realpath "$build/app/pagescope")
[[ -x $bin ]] || { echo "tui_top_cost: $bin not built" >&2; exit 2; }
command -v tmux >/dev/null || { echo "tui_top_cost: tmux is not installed" >&2; exit 2; }

sock="pagescope-bench-$$"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
helpers=()
cleanup() {
  tm kill-server 2>/dev/null || true
  rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
  for p in "${helpers[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); print f[12] + f[13] }' "/proc/$1/stat"; }
storm_rate() { awk '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); print f[8] }' "/proc/$1/stat"; }

# measure NAME [top args...] [-- keys to send after start]
measure() {
  local name=$1; shift
  local args=() keys=()
  while (($#)); do
    if [[ $1 == -- ]]; then shift; keys=("$@"); break; fi
    args+=("$1"); shift
  done
  tm new-session -d -s t -x 100 -y 30 "$bin top --source $src ${args[*]}"
  local shell_pid top_pid=""
  for _ in $(seq 50); do
    shell_pid=$(tm display-message -p -t t '#{pane_pid}')
    # tmux runs the command through sh -c, which may exec it directly.
    if [[ $(cat /proc/$shell_pid/comm 2>/dev/null) == pagescope ]]; then top_pid=$shell_pid; else top_pid=$(pgrep -P "$shell_pid" pagescope || true); fi
    [[ -n $top_pid ]] && break
    sleep 0.1
  done
  [[ -n $top_pid ]] || { echo "tui_top_cost: top did not start" >&2; exit 1; }
  sleep 3  # BPF loaded, first frame drawn
  for k in "${keys[@]}"; do tm send-keys -t t "$k"; sleep 0.3; done
  local t0 c0 t1 c1
  local s0=0 s1=0
  t0=$(date +%s.%N); c0=$(cpu_ticks "$top_pid"); [[ -n $storm ]] && s0=$(storm_rate "$storm")
  sleep "$secs"
  t1=$(date +%s.%N); c1=$(cpu_ticks "$top_pid"); [[ -n $storm ]] && s1=$(storm_rate "$storm")
  local rss
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$top_pid/status")
  tm send-keys -t t q
  sleep 0.3
  tm kill-server 2>/dev/null || true
  awk -v n="$name ($src)" -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$hz" -v rss="$rss" \
    -v s0="$s0" -v s1="$s1" \
    'BEGIN { printf "%-22s %6.2f%% of one core  (%d ticks in %.1f s), RSS %.1f MiB", n, (c1 - c0) / hz / (t1 - t0) * 100, c1 - c0, t1 - t0, rss / 1024;
             if (s1 > s0) printf ", storm ran at %.0f faults/s", (s1 - s0) / (t1 - t0);
             printf "\n" }'
}

storm=""
nproc_now=$(ls /proc | grep -c '^[0-9]')
echo "pagescope top at 1 s refresh, ${secs}s per case, $(nproc) CPUs, ${nproc_now} processes, kernel $(uname -r), sources: $sources"
for src in $sources; do measure "idle"; done

# A fault storm: fill and free 64 MiB in a loop (above glibc's mmap threshold,
# so every round maps fresh pages and faults each of them in).
python3 -c 'while True: b = b"\x01" * (64 << 20)' &
storm=$!
helpers+=("$storm")
sleep 1
f0=$(storm_rate "$storm"); sleep 1; f1=$(storm_rate "$storm")
echo "fault storm: $((f1 - f0)) minor faults/s in pid $storm"
for src in $sources; do
  measure "fault storm"
  measure "storm + detail" --filter "$storm" -- Enter
done
kill "$storm"
storm=""

for _ in $(seq 500); do sleep 600 & helpers+=("$!"); done
for src in $sources; do measure "500 processes"; done
