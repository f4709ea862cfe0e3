#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz (issue 17.5).
#   scripts/fuzz.sh TARGET [SECONDS]   fuzz TARGET for SECONDS (default 600), one job
#   scripts/fuzz.sh --replay TARGET    run every input in tests/fuzz/regressions/TARGET once
#   scripts/fuzz.sh --seeds            (re)make the seed inputs in the build dir
#   scripts/fuzz.sh --list             the targets
# The targets live in the clang build dir (BUILD_DIR, default build-fuzz), made
# by scripts/test.sh or by hand:
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -DPAGESCOPE_FUZZ=ON \
#     -DPAGESCOPE_SANITIZE=ON -DWITH_BPF=OFF && cmake --build build-fuzz --target fuzz_all
# The corpus grows in BUILD_DIR/tests/fuzz/corpus/TARGET across runs; a crash
# is written to BUILD_DIR/tests/fuzz/artifacts/TARGET/ (crash-*, oom-*,
# timeout-*): fix it, then commit the input under tests/fuzz/regressions/TARGET/
# so ctest replays it from then on.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-build-fuzz}
case $build in /*) ;; *) build=$root/$build ;; esac
targets="capture_reader record_visitor trace_readers proc_parsers"

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage

# Seeds made once per build dir from the demo capture, /proc and ../shared/data/traces.
seeds=$build/tests/fuzz/seeds
make_seeds() {
  [ -x "$build/tests/fuzz/fuzz_seeds" ] || { echo "fuzz.sh: $build/tests/fuzz/fuzz_seeds not built" >&2; exit 2; }
  rm -rf "$seeds"
  mkdir -p "$seeds"
  shared=$root/../shared/data/traces
  if [ -d "$shared" ]; then
    "$build/tests/fuzz/fuzz_seeds" "$seeds" "$root/scripts/data/demo.psc" "$shared"
  else
    "$build/tests/fuzz/fuzz_seeds" "$seeds" "$root/scripts/data/demo.psc"
  fi
  touch "$seeds/.done"
}

replay=0
case $1 in
  --list) echo "$targets"; exit 0 ;;
  --seeds) make_seeds; exit 0 ;;
  --replay) replay=1; shift; [ $# -ge 1 ] || usage ;;
  -h|--help) usage ;;
esac
target=$1
seconds=${2:-600}
case " $targets " in *" $target "*) ;; *) echo "fuzz.sh: unknown target '$target' (one of: $targets)" >&2; exit 2 ;; esac
case $seconds in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;; esac
bin=$build/tests/fuzz/fuzz_$target
[ -x "$bin" ] || { echo "fuzz.sh: $bin not built (see the comment at the top of $0)" >&2; exit 2; }

# A finding must stop the run (UBSan only prints by default); leaks are findings too.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
# Inputs are at most 64 KiB; 2 GB of memory or 10 s for one of them is a bug (issue 17.7).
flags=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=65536)

regressions=$root/tests/fuzz/regressions/$target
committed=$root/tests/fuzz/seeds/$target
if [ $replay -eq 1 ]; then
  shopt -s nullglob
  inputs=("$regressions"/* "$committed"/*)
  [ ${#inputs[@]} -gt 0 ] || { echo "fuzz.sh: nothing to replay for $target"; exit 0; }
  exec "$bin" "${flags[@]}" "${inputs[@]}"
fi

[ -e "$seeds/.done" ] || make_seeds
corpus=$build/tests/fuzz/corpus/$target
artifacts=$build/tests/fuzz/artifacts/$target
mkdir -p "$corpus" "$artifacts"
dirs=("$corpus")
for d in "$seeds/$target" "$committed" "$regressions"; do
  [ -d "$d" ] && dirs+=("$d")
done
echo "fuzz.sh: $target for ${seconds}s; corpus $corpus; findings in $artifacts/"
exec "$bin" "${flags[@]}" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "${dirs[@]}"
