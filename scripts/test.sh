#!/usr/bin/env bash
# Sets up dependencies, builds pagescope and runs every test (unit tests, and
# as root the real-kernel tests). Usage: scripts/test.sh [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

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

# Sanitizers (issue 17.6): the unit tests that need no root (ctest -LE kernel)
# again, built with AddressSanitizer + UBSan by the same compiler as above in
# a second build dir. WITH_BPF=OFF: nothing there loads BPF.
# PAGESCOPE_SANITIZE_STAGE=0 skips it.
if [ "${PAGESCOPE_SANITIZE_STAGE:-1}" != 0 ]; then
  cd "$root"
  asan_build=${ASAN_BUILD_DIR:-build-asan}
  stage_start=$(date +%s)
  # -O1 -g1 (line tables for the reports): the ASan build at -O2 -g took 24 min
  # on 2 cores, the tests under it 3 min.
  cmake -S . -B "$asan_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPAGESCOPE_SANITIZE=ON -DWITH_BPF=OFF \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" >/dev/null
  cmake --build "$asan_build" -j"$(nproc)"
  # A finding fails the test that made it (UBSan only prints by default).
  (cd "$asan_build" && UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
    ctest --output-on-failure -j"$(nproc)" -LE kernel)
  echo "test.sh: sanitizer stage took $(( $(date +%s) - stage_start ))s"
fi

# Fuzzing (issue 17.5): the libFuzzer targets of tests/fuzz, built by clang
# with ASan + UBSan in a third build dir (the libraries they need and
# nothing else), replay their regression inputs and fuzz each for
# PAGESCOPE_FUZZ_SECONDS (25 s). The long run is scripts/fuzz.sh TARGET SECONDS.
# Skipped without clang, or with PAGESCOPE_FUZZ_STAGE=0.
if [ "${PAGESCOPE_FUZZ_STAGE:-1}" != 0 ]; then
  cd "$root"
  fuzz_build=${FUZZ_BUILD_DIR:-build-fuzz}
  if ! command -v clang++ >/dev/null 2>&1 || ! command -v clang >/dev/null 2>&1; then
    echo "test.sh: no clang; the fuzz stage is skipped" >&2
  else
    stage_start=$(date +%s)
    CC=clang CXX=clang++ cmake -S . -B "$fuzz_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
      -DPAGESCOPE_SANITIZE=ON -DPAGESCOPE_FUZZ=ON -DWITH_BPF=OFF >/dev/null
    # clang lags g++ on some C++20 (clang 14: no lambda capture of a structured
    # binding); code it cannot compile skips this stage loudly rather than fail
    # the run, since the same code built and passed with g++ above.
    if cmake --build "$fuzz_build" -j"$(nproc)" --target fuzz_all; then
      ctest --test-dir "$fuzz_build/tests/fuzz" --output-on-failure -j"$(nproc)"
      echo "test.sh: fuzz stage took $(( $(date +%s) - stage_start ))s"
    else
      echo "test.sh: FUZZ STAGE NOT RUN: clang could not build the fuzz targets (errors above)" >&2
    fi
  fi
fi
