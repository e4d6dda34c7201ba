#!/usr/bin/env bash
# Run a command on this checkout inside a Debian root (another Debian release), built once and cached.
#
#   scripts/debian_root.sh SUITE ROOT [COMMAND...]      (default COMMAND: make test)
#
# SUITE is a Debian release (trixie, bookworm, ...). ROOT (outside the checkout, for example
# /var/cache/hsi-lime/debian13-root) is made once with `debootstrap --variant=minbase`, then scripts/setup.sh
# installs the Debian packages hsi-lime needs in it (QGIS, python3-qgis, ...); ROOT/.hsi-lime-ready marks a
# finished root (a half-built one is made anew). Every run copies the host's CA bundle (the package index is
# reached through a proxy whose certificate only the host's bundle holds), apt's Acquire settings and pip's
# configuration into ROOT, and then, in a private mount namespace (every mount disappears when the command
# ends, however it ends): a fresh /proc, /sys and /dev bound, the checkout and ../shared bound at the same
# paths (so ../shared is beside it), the git folder of a worktree, the local folders pip's configuration names
# (read-only), and ROOT/var/lib/hsi-lime/venv bound over the checkout's .venv (the root's Python differs from
# the host's; the venv, with its torch, stays cached in ROOT).
# OVERLAY=1 runs the command on a throwaway overlay of ROOT (what it installs there is dropped afterwards).
# BACKPORTS=1 installs QGIS from SUITE-backports (3.44 on trixie) on such a layer first.
# Needs root, debootstrap and unshare (util-linux).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 SUITE ROOT [COMMAND...]" >&2; exit 2; }
SUITE=$1 ROOT=$2; shift 2
[ $# -gt 0 ] || set -- make test
CHECKOUT=$(cd "$(dirname "$0")/.." && pwd -P)
MARKER="$ROOT/.hsi-lime-ready"
[ "$(id -u)" -eq 0 ] || { echo "debian_root: run as root (debootstrap, mounts and chroot need it)" >&2; exit 1; }

# Host settings the root needs to reach Debian's archive and the package index from this machine.
carry_host_settings() {
  cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
  apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy) ' \
    > "$ROOT/etc/apt/apt.conf.d/90hsi-lime-host" || true
  local file
  for file in $(pip_files) /etc/xdg/pip/constraints.txt; do
    if [ -f "$file" ]; then mkdir -p "$ROOT$(dirname "$file")" && cp "$file" "$ROOT$file"; fi
  done
}

pip_files() {  # pip's configuration files on this machine (global and root's own)
  local file
  for file in /etc/pip.conf /etc/xdg/pip/pip.conf "$HOME/.config/pip/pip.conf" "$HOME/.pip/pip.conf"; do
    [ ! -f "$file" ] || echo "$file"
  done
}

build_root() {
  command -v debootstrap >/dev/null || { apt-get update -q && apt-get install -y -q debootstrap; }
  echo "debian_root: building a Debian $SUITE root in $ROOT"
  rm -rf "$ROOT" && mkdir -p "$(dirname "$ROOT")"
  debootstrap --variant=minbase --include=make,git,ca-certificates "$SUITE" "$ROOT"
  carry_host_settings
  in_root bash scripts/setup.sh --debian-packages
  touch "$MARKER"
}

# local_pip_sources: the folders on this machine that pip's configuration names (find-links, file:// indexes:
# an index's .../simple with its files beside it), bound read-only into the root so pip there sees them too.
local_pip_sources() {
  { printf '%s\n' "${PIP_FIND_LINKS:-}" "${PIP_EXTRA_INDEX_URL:-}" "${PIP_INDEX_URL:-}"
    pip_files | xargs -r sed -n 's/^[[:space:]]*\(find-links\|extra-index-url\|index-url\)[[:space:]]*=//p'
  } | tr ' ' '\n' | sed -n 's#^\(file://\)\{0,1\}\(/[^[:space:]]*\)$#\2#p' | sed 's#/simple/*$##' | sort -u \
    | while read -r folder; do [ -d "$folder" ] && echo "$folder"; done
}

# in_root COMMAND...: COMMAND in ROOT, in the checkout, with a clean environment (PATH of Debian, no host venv).
in_root() {
  local shared git_dir
  shared=$(cd "$CHECKOUT/.." && pwd -P)/shared
  git_dir=$(git -C "$CHECKOUT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
  mkdir -p "$CHECKOUT/.venv" "$ROOT/var/lib/hsi-lime/venv"
  unshare --mount --pid --fork --propagation private bash -euc '
    root=$1 checkout=$2 shared=$3 git_dir=$4 sources=$5 layer=""; shift 5
    if [ "${OVERLAY:-0}" = 1 ]; then  # a throwaway layer over the root: what the command changes is dropped
      layer=$(mktemp -d) && mkdir "$layer/upper" "$layer/work" "$layer/merged"
      mount -t overlay overlay -o "lowerdir=$root,upperdir=$layer/upper,workdir=$layer/work" "$layer/merged"
      root=$layer/merged
    fi
    mount -t proc proc "$root/proc"
    mount --rbind /sys "$root/sys"
    mount --rbind /dev "$root/dev"
    bind() { mkdir -p "$root$1" && mount --bind "$1" "$root$1"; }
    bind "$checkout"
    [ ! -d "$shared" ] || bind "$shared"
    case "$git_dir" in ""|"$checkout"/*) ;; *) bind "$git_dir" ;; esac
    for folder in $sources; do bind "$folder" && mount -o remount,bind,ro "$root$folder"; done
    mount --bind "$root/var/lib/hsi-lime/venv" "$root$checkout/.venv"
    passed=()  # the variables that configure pip, CI and the tests go through; nothing else of the host
    while IFS= read -r line; do passed+=("$line"); done < <(env | grep -E "^(PIP_[A-Z_]*|CI|HYPOTHESIS_PROFILE|HSI_LIME_[A-Z_]*)=")
    status=0
    chroot "$root" env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      "${passed[@]}" \
      bash -c "cd \"\$0\" && exec \"\$@\"" "$checkout" "$@" || status=$?
    if [ -n "$layer" ]; then umount -R "$root" && rm -rf "$layer"; fi
    exit "$status"
  ' in_root "$ROOT" "$CHECKOUT" "$shared" "$git_dir" "$(local_pip_sources | tr '\n' ' ')" "$@"
}

if [ "${BACKPORTS:-0}" = 1 ]; then
  export OVERLAY=1
  set -- bash -euc 'sed -n "s/^deb \([^ ]*\) $0 main.*/deb \1 $0-backports main/p" /etc/apt/sources.list \
      > /etc/apt/sources.list.d/backports.list
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -t "$0-backports" \
      qgis python3-qgis qgis-providers >/dev/null
    echo "debian_root: QGIS $(dpkg-query -W -f="\${Version}" qgis) from $0-backports"
    exec "$@"' "$SUITE" "$@"
fi
[ -f "$MARKER" ] || build_root
carry_host_settings
in_root "$@"
