#!/bin/bash
# Installing pagescope as a user would (cmake/Install.cmake), run by ctest:
#
#   package_test.sh prefix BUILD SOURCE   cmake --install --prefix SCRATCH
#   package_test.sh deb    BUILD SOURCE   cpack -G DEB, then the .deb's control
#                                         fields, file list, and its files
#                                         extracted with dpkg-deb -x; then
#                                         dpkg -i and -r in a scratch root
#
# Either way the installed binary must run (--version) and read the bundled
# capture exactly as the build tree's binary does, and the man pages and
# completions must be where man, bash-completion and zsh look for them.
# Exit 77 (ctest's SKIP_RETURN_CODE) when a tool is missing, with the reason.
set -euo pipefail

mode=$1 build=$2 src=$3
demo=$src/scripts/data/demo.psc
scratch=$(mktemp -d /tmp/pagescope-install-test.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

# The subcommands the build's binary lists in --help.
subcommands=$("$build/app/pagescope" --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1}')
[[ -n $subcommands ]] || fail "no subcommands in pagescope --help"

# check_tree USR: USR is the installed prefix (/usr inside a .deb's root).
check_tree() {
  local usr=$1
  [[ -x $usr/bin/pagescope ]] || fail "$usr/bin/pagescope missing"
  # Plain from cmake --install, gzipped in the .deb (Debian policy 12.1).
  for page in pagescope $(printf 'pagescope-%s ' $subcommands); do
    [[ -f $usr/share/man/man1/$page.1$man_suffix ]] || fail "$page.1$man_suffix missing"
  done
  [[ -f $usr/share/bash-completion/completions/pagescope ]] || fail "bash completion missing"
  [[ -f $usr/share/zsh/vendor-completions/_pagescope ]] || fail "zsh completion missing"
  [[ -f $usr/share/doc/pagescope/examples/demo.psc ]] || fail "the demo capture is missing"

  local version
  version=$("$usr/bin/pagescope" --version) || fail "installed pagescope --version failed"
  echo "$version"
  grep -q '^pagescope [0-9][0-9.]* (git ' <<<"$version" || fail "--version names no revision: $version"
  grep -q 'capture format [0-9]' <<<"$version" || fail "--version names no capture format: $version"

  "$usr/bin/pagescope" inspect "$demo" >"$scratch/installed.txt" || fail "installed pagescope inspect failed"
  "$build/app/pagescope" inspect "$demo" >"$scratch/built.txt"
  cmp -s "$scratch/installed.txt" "$scratch/built.txt" || fail "installed inspect differs from the build tree's"
  grep -q '^capture ' "$scratch/installed.txt" || fail "inspect printed no summary"
  "$usr/bin/pagescope" inspect "$usr/share/doc/pagescope/examples/demo.psc" >/dev/null ||
    fail "inspect of the installed demo capture failed"
  if command -v man >/dev/null; then
    MANPATH=$usr/share/man MANWIDTH=80 man pagescope-inspect 2>&1 | grep -q -- '--layout' ||
      fail "man pagescope-inspect (MANPATH=$usr/share/man) does not show --layout"
  fi
}

man_suffix=
case $mode in
prefix)
  cmake --install "$build" --prefix "$scratch/prefix" >"$scratch/install.log" ||
    { cat "$scratch/install.log"; fail "cmake --install failed"; }
  check_tree "$scratch/prefix"
  # Nothing but bin/ and share/ (no lib/, include/, etc/).
  extra=$(cd "$scratch/prefix" && find . -mindepth 1 -maxdepth 1 ! -name bin ! -name share)
  [[ -z $extra ]] || fail "installed outside bin/ and share/: $extra"
  ;;
deb)
  for tool in cpack dpkg-deb dpkg-shlibdeps dpkg; do
    command -v $tool >/dev/null || skip "$tool is not installed (Debian: cmake, dpkg-dev)"
  done
  cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/pkg" >"$scratch/cpack.log" 2>&1 ||
    { cat "$scratch/cpack.log"; fail "cpack -G DEB failed"; }
  version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
  arch=$(dpkg --print-architecture)
  deb=$scratch/pkg/pagescope_${version}_${arch}.deb
  [[ -f $deb ]] || fail "no $deb: $(ls "$scratch/pkg")"
  echo "$(basename "$deb"): $(stat -c %s "$deb") bytes"

  # Depends: the package of every library the binary names (NEEDED) directly, and of
  # every library ldd shows it loading either directly or through one of those
  # (libelf1 comes with libbpf1); never a -dev package.
  depends=$(dpkg-deb -f "$deb" Depends)
  echo "Depends: $depends"
  [[ -n $depends ]] || fail "the package has no Depends"
  declare -A direct=() reachable=()
  for d in ${depends//,/ }; do
    [[ $d =~ ^[a-z0-9][a-z0-9.+-]+$ ]] || continue  # a name, not "(>=" or a version
    direct[$d]=1
    reachable[$d]=1
    for t in $(dpkg-query -W -f='${Depends}' "$d" 2>/dev/null | tr ',|' '  '); do
      [[ $t =~ ^[a-z0-9][a-z0-9.+-]+$ ]] && reachable[${t%%:*}]=1
    done
  done
  owner() { dpkg -S "$(realpath "$1")" 2>/dev/null | head -1 | cut -d: -f1 || true; }
  needed=$(readelf -d "$build/app/pagescope" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  for lib in $(ldd "$build/app/pagescope" | awk '$3 ~ /^\// {print $1 "=" $3}'); do
    name=${lib%%=*} path=${lib#*=}
    pkg=$(owner "$path")
    [[ -n $pkg ]] || pkg=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1 || true)
    [[ -n $pkg ]] || fail "no package owns $path"
    if grep -qx -- "$name" <<<"$needed"; then
      [[ -n ${direct[$pkg]:-} ]] || fail "Depends lacks $pkg (the binary needs $name): $depends"
    else
      [[ -n ${reachable[$pkg]:-} ]] || fail "nothing in Depends brings $pkg (for $name): $depends"
    fi
  done
  ! grep -q -- '-dev' <<<"$depends" || fail "Depends names a -dev package: $depends"

  # Files: everything under /usr; no conffiles, no maintainer scripts, so removing
  # the package removes every file it installed.
  dpkg-deb -c "$deb" | awk '{print $6}' >"$scratch/files"
  outside=$(grep -v '^\./usr/' "$scratch/files" | grep -vx '\./' || true)
  [[ -z $outside ]] || fail "files outside /usr: $outside"
  man_suffix=.gz
  for f in ./usr/bin/pagescope ./usr/share/man/man1/pagescope.1.gz \
           ./usr/share/bash-completion/completions/pagescope ./usr/share/zsh/vendor-completions/_pagescope; do
    grep -qx "$f" "$scratch/files" || fail "$f not in the package"
  done
  dpkg-deb -e "$deb" "$scratch/control"
  extra=$(cd "$scratch/control" && ls | grep -vx -e control -e md5sums || true)
  [[ -z $extra ]] || fail "control members besides control and md5sums: $extra"

  dpkg-deb -x "$deb" "$scratch/root"
  check_tree "$scratch/root/usr"

  # Installed and purged by dpkg itself, into an empty scratch root with its own
  # database (--root; --force-depends: the root has no libraries): the package
  # runs from there, and removing it leaves no file or directory behind.
  droot=$scratch/dpkg-root
  mkdir -p "$droot/var/lib/dpkg/info" "$droot/var/lib/dpkg/updates"
  : >"$droot/var/lib/dpkg/status"
  dpkg --root="$droot" --force-depends -i "$deb" >"$scratch/dpkg.log" 2>&1 ||
    { cat "$scratch/dpkg.log"; fail "dpkg -i into a scratch root failed"; }
  "$droot/usr/bin/pagescope" --version >/dev/null || fail "dpkg-installed pagescope --version failed"
  dpkg --root="$droot" -r pagescope >>"$scratch/dpkg.log" 2>&1 || fail "dpkg -r failed"
  left=$(cd "$droot" && find . -mindepth 1 -path ./var -prune -o -print)
  [[ -z $left ]] || fail "left behind after dpkg -r: $left"
  file_type=$(file -b "$scratch/root/usr/bin/pagescope" 2>/dev/null || true)
  [[ -z $file_type || $file_type == *stripped* ]] || fail "the packaged binary is not stripped: $file_type"
  [[ $file_type != *"not stripped"* ]] || fail "the packaged binary is not stripped: $file_type"
  ;;
*)
  fail "usage: package_test.sh prefix|deb BUILD SOURCE"
  ;;
esac
echo "OK: $mode"
