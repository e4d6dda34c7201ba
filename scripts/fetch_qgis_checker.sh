#!/usr/bin/env bash
# Bring the QGIS project's own migration checker for QGIS 4 / Qt6 (scripts/pyqt5_to_pyqt6/pyqt5_to_pyqt6.py)
# into build/qgis-checker/, once, as QGIS 3.40.6 released it: from Debian 13's source package of QGIS, which
# apt downloads and verifies (signed index, checksums) from the Debian mirror this machine's apt already uses.
# apt runs with a state of its own in a temporary folder: nothing of the machine's apt setup changes.
# Debian's archive is used because it is what these machines reach; the QGIS repository itself is not.
# Exits 3 with the reason when it cannot (no apt, no mirror, no network), so callers can skip.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=3.40.6+dfsg-1
out=build/qgis-checker
[ -f "$out/pyqt5_to_pyqt6.py" ] && exit 0

skip() { echo "fetch_qgis_checker: $1" >&2; exit 3; }
command -v apt-get >/dev/null || skip "no apt-get on this machine"
mirror=$(sed -n 's/^URIs: *\([^ ]*debian\)$/\1/p;s/^deb \(http[^ ]*debian\) .*/\1/p' \
  /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1 || true)
[ -n "$mirror" ] || skip "no Debian mirror in this machine's apt sources"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/state/lists/partial" "$work/cache/archives/partial" "$work/src"
echo "deb-src $mirror trixie main" >"$work/sources.list"
opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State=$work/state" -o "Dir::Cache=$work/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User=root -qq)
apt-get "${opts[@]}" update || skip "apt could not read the trixie sources from $mirror"
(cd "$work/src" && apt-get "${opts[@]}" source --download-only "qgis=$VERSION") \
  || skip "apt could not download the source of qgis $VERSION"
xz -dc "$work"/src/qgis_*.orig.tar.xz | tar -x -C "$work" --wildcards '*/scripts/pyqt5_to_pyqt6/pyqt5_to_pyqt6.py'
mkdir -p "$out"
cp "$work"/qgis-*/scripts/pyqt5_to_pyqt6/pyqt5_to_pyqt6.py "$out/"
echo "qgis $VERSION" >"$out/VERSION"
echo "fetch_qgis_checker: $out/pyqt5_to_pyqt6.py (QGIS $VERSION)"
