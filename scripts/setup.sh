#!/usr/bin/env bash
# Set up everything hsi-lime needs on Debian 12, idempotently.
#
# 1. Debian packages: QGIS 3.22 with PyQGIS, and the scientific stack QGIS' own Python
#    must share (GDAL/rasterio, geopandas, scikit-learn, scikit-image, matplotlib), and
#    the Qt translation tools (pylupdate5, lrelease) for i18n/.
# 2. A virtual environment at .venv/ made from the system Python with
#    --system-site-packages, so it sees PyQGIS and Debian's packages, plus what Debian
#    does not ship: torch (the CPU wheel pinned below), spyndex and the test tools.
#    xvfb lets tests/test_dialogs.py open the algorithm dialogs in a QGIS desktop without a display.
# Each step is skipped when its result is already there; a stamp file records the
# requirements the venv was built from, so editing them triggers a re-install.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(qgis python3-qgis qgis-providers python3-rasterio python3-geopandas
  python3-sklearn python3-skimage python3-matplotlib python3-pandas python3-scipy
  python3-venv python3-pip pyqt5-dev-tools qttools5-dev-tools xvfb)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "hsi-lime setup: missing Debian packages: ${missing[*]}" >&2
    echo "Run 'make demo' or 'make test' as root once, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "hsi-lime setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

VENV=.venv
if [ ! -x "$VENV/bin/python" ]; then
  echo "hsi-lime setup: creating $VENV"
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi
# pyproj looks for its data under sys.prefix, which in a venv is .venv: point it at Debian's.
if [ ! -e "$VENV/share/proj" ]; then
  mkdir -p "$VENV/share" && ln -s /usr/share/proj "$VENV/share/proj"
fi
stamp="$VENV/.hsi_lime_requirements"
if ! cmp -s requirements.txt "$stamp" 2>/dev/null; then
  echo "hsi-lime setup: installing Python requirements into $VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
    -c scripts/constraints.txt -r requirements.txt
  cp requirements.txt "$stamp"
fi

# 3. build/scheduler-venv: what a Dask scheduler machine needs (README, "Running on a Dask cluster"): dask and
#    distributed at the pinned versions and nothing else (no engine, no torch, no numpy; not the system site
#    packages). The cluster tests start the scheduler from it, in a folder without the repository, so that a
#    task which would make the scheduler import the engine fails there as it would for a user.
SCHEDULER_VENV=build/scheduler-venv
pins=$(grep -E '^(dask|distributed)==' requirements.txt | tr '\n' ' ')
scheduler_stamp="$SCHEDULER_VENV/.hsi_lime_requirements"
if [ ! -x "$SCHEDULER_VENV/bin/python" ] || [ "$(cat "$scheduler_stamp" 2>/dev/null)" != "$pins" ]; then
  echo "hsi-lime setup: creating $SCHEDULER_VENV ($pins)"
  rm -rf "$SCHEDULER_VENV"
  /usr/bin/python3 -m venv "$SCHEDULER_VENV"
  # shellcheck disable=SC2086 (the pins are separate words)
  "$SCHEDULER_VENV/bin/python" -m pip install -q --disable-pip-version-check $pins
  echo "$pins" > "$scheduler_stamp"
fi
