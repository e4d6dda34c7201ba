#!/usr/bin/env bash
# The migration checker (scripts/check_qt6.py) inside Debian 13 with QGIS 3.40's own bindings, on the ZIP $1.
# It runs in debian13-checker, a copy of the Debian 13 root that the Debian 13 test leg builds (that root is
# never changed here): copied again whenever the root's ready marker is newer, with Debian's PyQt6 and
# tokenize-rt added to the copy. /proc, /sys and /dev are bound for the run and unbound after it.
# Prints why and exits 0 when it cannot run here (no ready root, not root).
set -euo pipefail
cd "$(dirname "$0")/.."
zip=$(realpath "$1")
ROOT=/var/cache/hsi-lime/debian13-root
COPY=/var/cache/hsi-lime/debian13-checker
skip() { echo "check-qt6 (Debian 13, QGIS 3.40): skipped: $1"; exit 0; }
[ -e "$ROOT/.hsi-lime-ready" ] || skip "$ROOT is not ready (no .hsi-lime-ready marker)"
[ "$(id -u)" -eq 0 ] || skip "chroot needs root"

mounted=()
unmount() { for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" || true; done; }
trap unmount EXIT
bind() {
  for fs in proc sys dev; do mount --bind "/$fs" "$COPY/$fs" && mounted+=("$COPY/$fs"); done
}

if [ ! -e "$COPY/.hsi-lime-checker" ] || [ "$ROOT/.hsi-lime-ready" -nt "$COPY/.hsi-lime-checker" ]; then
  echo "check-qt6 (Debian 13): copying $ROOT to $COPY"
  rm -rf "$COPY"
  cp -a "$ROOT" "$COPY"
  bind
  chroot "$COPY" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    python3-pyqt6 python3-pyqt6.qsci python3-pyqt6.qtquick python3-pyqt6.qtsvg python3-tokenize-rt >/dev/null
  touch "$COPY/.hsi-lime-checker"
else
  bind
fi
rm -rf "$COPY/tmp/hsi-check"
mkdir -p "$COPY/tmp/hsi-check/scripts"
cp scripts/check_qt6.py "$COPY/tmp/hsi-check/scripts/"
cp build/qgis-checker/pyqt5_to_pyqt6.py build/qgis-checker/VERSION "$zip" "$COPY/tmp/hsi-check/"
chroot "$COPY" /usr/bin/python3 /tmp/hsi-check/scripts/check_qt6.py "/tmp/hsi-check/$(basename "$zip")" \
  --python /usr/bin/python3 --checker /tmp/hsi-check/pyqt5_to_pyqt6.py
