#!/usr/bin/env bash
# What recording costs a workload under memory pressure: `pagescope lab`
# runs the zipf workload at a fixed cgroup limit with zram swap, REPS times
# bare and REPS times under `pagescope record` (interleaved, so drift on the
# machine hits both alike), and prints the median accesses/s, the slowdown,
# the swap traffic, and how many events the capture holds and lost.
#
# Usage: sudo bench/pressure_overhead.sh [BUILD_DIR]
#   env: LIMIT=64M SIZE=256M RUN_SECONDS=10 REPS=3 ALPHA=0.99 WRITE_PCT=10
#        WORKLOAD_BIN=path/to/ps-pressure (default: BUILD_DIR/workloads)
# Needs root, zram and memory cgroups (as `pagescope lab` does). Without
# `pagescope record --cgroup` only the bare runs are measured.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-${BUILD_DIR:-build}}
ps="$build/app/pagescope"
[ -x "$ps" ] || { echo "pressure_overhead.sh: $ps not built" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "pressure_overhead.sh: needs root (zram swap, memory cgroups)" >&2; exit 3; }

LIMIT=${LIMIT:-64M} SIZE=${SIZE:-256M} SECONDS_=${RUN_SECONDS:-10} REPS=${REPS:-3}
ALPHA=${ALPHA:-0.99} WRITE_PCT=${WRITE_PCT:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() {  # $1: output json; $2: capture path or empty
  local args=(lab --limit "$LIMIT" --swap zram:lz4:1G --workload zipf --size "$SIZE" --seconds "$SECONDS_"
              --alpha "$ALPHA" --write-pct "$WRITE_PCT" --seed 1 --json)
  [ -n "$2" ] && args+=(-o "$2")
  [ -n "${WORKLOAD_BIN:-}" ] && args+=(--workload-bin "$WORKLOAD_BIN")
  # A run the OOM killer ends (seen under small limits) is counted, not fatal.
  if ! "$ps" "${args[@]}" >"$1" 2>>"$tmp/stderr"; then
    echo "pressure_overhead.sh: run failed: $(grep 'lab: error' "$tmp/stderr" | tail -1)" >&2
    rm -f "$1"
    return 0
  fi
  if [ -n "$2" ] && [ -f "$2" ]; then
    "$ps" inspect "$2" --json >"$1.inspect" 2>>"$tmp/stderr" || true
  fi
}

for i in $(seq 1 "$REPS"); do
  echo "run $i/$REPS: bare" >&2
  run "$tmp/bare$i.json" ""
  echo "run $i/$REPS: recorded" >&2
  run "$tmp/rec$i.json" "$tmp/rec$i.psc"
done

python3 - "$tmp" "$REPS" "$LIMIT" "$SIZE" "$SECONDS_" <<'PY'
import json, os, statistics, sys
tmp, reps, limit, size, secs = sys.argv[1], int(sys.argv[2]), *sys.argv[3:]
failed = {}
def load(kind):
    out = []
    for i in range(1, reps + 1):
        if not os.path.exists(f"{tmp}/{kind}{i}.json"):
            failed[kind] = failed.get(kind, 0) + 1
            continue
        d = json.load(open(f"{tmp}/{kind}{i}.json"))
        m = d["metrics"]
        ins = f"{tmp}/{kind}{i}.json.inspect"
        rec = json.load(open(ins)) if os.path.exists(ins) and os.path.getsize(ins) else None
        out.append({"rate": m["workload_accesses"] / max(d["elapsed_s"], 1e-9),
                    "majflt": m["major_faults"] / max(d["elapsed_s"], 1e-9),
                    "swap_outs": m["swap_outs"], "recorded": d["capture"] is not None,
                    "records": rec.get("records") if rec else None,
                    "lost": rec.get("lost_events") if rec else None})
    return out
bare, rec = load("bare"), load("rec")
for kind, n in failed.items():
    print(f"{n} {'bare' if kind == 'bare' else 'recorded'} run(s) failed (see stderr); medians are over the rest")
if not bare:
    sys.exit("no bare run succeeded")
med = lambda xs, k: statistics.median(x[k] for x in xs)
print(f"zipf, {size} under a {limit} limit, zram lz4, {secs} s per run, {reps} runs each (medians)")
print(f"{'':<10}{'accesses/s':>14}{'major faults/s':>16}{'swap-outs':>12}{'records':>12}{'lost':>8}")
print(f"{'bare':<10}{med(bare,'rate'):>14.0f}{med(bare,'majflt'):>16.0f}{med(bare,'swap_outs'):>12.0f}{'-':>12}{'-':>8}")
if rec and all(r["recorded"] for r in rec):
    records = statistics.median(r["records"] or 0 for r in rec)
    lost = statistics.median(r["lost"] or 0 for r in rec)
    print(f"{'recorded':<10}{med(rec,'rate'):>14.0f}{med(rec,'majflt'):>16.0f}{med(rec,'swap_outs'):>12.0f}"
          f"{records:>12.0f}{lost:>8.0f}")
    print(f"slowdown: {100 * (1 - med(rec,'rate') / med(bare,'rate')):.1f}% fewer accesses/s when recorded")
else:
    print("recorded: not measured: this pagescope's `record` has no --cgroup (the lab ran those runs bare)")
    print(f"run-to-run spread of the bare runs: accesses/s {min(x['rate'] for x in bare + rec):.0f}"
          f" .. {max(x['rate'] for x in bare + rec):.0f} over {2 * reps} runs")
PY
