#!/usr/bin/env bash
# Installs pagescope's build and test dependencies from Debian 12 packages.
# Idempotent: packages already present are left alone, and apt is not asked
# anything when nothing is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  clang llvm                       # clang -target bpf; llvm-strip for BPF objects
  libbpf-dev bpftool libelf-dev zlib1g-dev
  libcli11-dev libncurses-dev
  libzstd-dev liblz4-dev liblzo2-dev   # lzo: the compressor zram and zswap default to
  libgtest-dev googletest libbenchmark-dev
  tmux                             # end-to-end TUI tests drive a real terminal
  chromium                         # the report test loads the HTML in a real headless browser
  util-linux                       # swapon/swapoff/zramctl for the pressure lab
  linux-perf                       # bench/record_overhead.sh compares against perf record
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-deps: missing packages: ${missing[*]}; run as root (sudo $0) to install them" >&2
  exit 1
fi

echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-deps: done"
