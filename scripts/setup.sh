#!/usr/bin/env bash
# Set up everything hsi-lime needs on Debian 12 or 13 (or a later release), idempotently.
#
#   scripts/setup.sh                    the Debian packages, then the virtual environment
#   scripts/setup.sh --debian-packages  the Debian packages only (scripts/debian_root.sh builds roots so)
#   scripts/setup.sh --docs             everything, and what only the documentation needs: chromium (make
#                                       screenshots photographs the HTML reports with it, make docs-check opens
#                                       the built site in it)
#
# 1. Debian packages: QGIS with PyQGIS (3.22 on Debian 12, 3.40 on 13), the scientific stack QGIS' own
#    Python must share (GDAL/rasterio, geopandas, scikit-learn, scikit-image, matplotlib), the Qt
#    translation tools (pylupdate5, lrelease) for i18n/, and xvfb with xauth (xvfb-run needs it; Debian 13's
#    xvfb no longer brings it) so tests/test_dialogs.py opens the dialogs in a QGIS desktop without a display,
#    python3-setuptools (pip's editable install of the engine builds with it, below), and xz-utils (a minimal Debian
#    root lacks it) to unpack the QGIS source that make check-qt6 takes its
#    migration checker from.
#    Names that differ between releases are given as alternatives (first|second): the first one this
#    machine's apt knows is taken.
# 2. A virtual environment at .venv made from the system Python with
#    --system-site-packages, so it sees PyQGIS and Debian's packages, plus what Debian does not ship:
#    requirements.txt (torch, spyndex, captum, the test tools...). Debian's numpy is the one GDAL's and
#    QGIS's bindings were built against, so pip is held to exactly that version (whatever the release
#    has: 1.24 on Debian 12, 2.2 on 13), never to a fixed range. torch==2.13.0: on Python 3.11 pip takes
#    the CPU wheel on this machine's disk; on Python 3.13 the package index has only the CUDA build
#    (about 3 GB with NVIDIA's libraries, which torch needs to load even on the CPU).
#    The engine itself is installed into it editable (pip install -e .), so that .venv/bin/python imports
#    hsi_lime_plugin, this checkout's code, from any folder (notebooks, the documentation's examples).
# Each step is skipped when its result is already there; a stamp file records the requirements and
# constraints the venv was built from, so editing them (or a new Debian numpy) triggers a re-install.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(qgis python3-qgis qgis-providers python3-rasterio python3-geopandas
  python3-sklearn python3-skimage python3-matplotlib python3-pandas python3-scipy
  python3-venv python3-pip python3-setuptools pyqt5-dev-tools qttools5-dev-tools xvfb xauth xz-utils
  python3-gdal python3-h5py)

[ "${1:-}" != "--docs" ] || APT_PACKAGES+=(chromium)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
known() { apt-cache show "$1" >/dev/null 2>&1; }

# install_debian_packages: install what is missing of APT_PACKAGES (root only; others get the command).
install_debian_packages() {
  local entry name missing=()
  for entry in "${APT_PACKAGES[@]}"; do
    local found=""
    for name in ${entry//|/ }; do if installed "$name"; then found=$name; fi; done
    [ -n "$found" ] || missing+=("$entry")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "hsi-lime setup: missing Debian packages: ${missing[*]//|/ or }" >&2
    echo "Run 'make demo' or 'make test' as root once, or: sudo apt-get install ${missing[*]%%|*}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  local chosen=()
  for entry in "${missing[@]}"; do
    for name in ${entry//|/ }; do if known "$name"; then chosen+=("$name"); break; fi; done
  done
  echo "hsi-lime setup: installing Debian packages: ${chosen[*]}"
  apt-get install -y -q --no-install-recommends "${chosen[@]}"
}

# system_pins FILE: pin pip to the system's numpy (its public version: Debian's local label such as
# +dfsg1 exists on no package index).
system_pins() {
  /usr/bin/python3 -c 'import importlib.metadata as m; print("numpy==" + m.version("numpy").split("+")[0])' > "$1"
}

install_debian_packages
[ "${1:-}" != "--debian-packages" ] || exit 0

VENV=.venv
# a venv whose creation was interrupted (no pip in it) is made anew
if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
  echo "hsi-lime setup: creating $VENV"
  /usr/bin/python3 -m venv --clear --system-site-packages "$VENV"
fi
# pyproj looks for its data under sys.prefix, which in a venv is .venv: point it at Debian's.
if [ ! -e "$VENV/share/proj" ]; then
  mkdir -p "$VENV/share" && ln -s /usr/share/proj "$VENV/share/proj"
fi
constraints="$VENV/system-constraints.txt"
system_pins "$constraints"
stamp="$VENV/.hsi_lime_requirements"
if ! cat requirements.txt "$constraints" | cmp -s - "$stamp" 2>/dev/null; then
  echo "hsi-lime setup: installing Python requirements into $VENV (kept to the system's $(cat "$constraints"))"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c "$constraints" -r requirements.txt
  cat requirements.txt "$constraints" > "$stamp"
fi
# The engine, editable (only the package hsi_lime_plugin is exposed): again when it imports from elsewhere.
engine="$PWD/hsi_lime_plugin/__init__.py"
if ! (cd / && "$VENV/bin/python" -c "import hsi_lime_plugin, sys; sys.exit(hsi_lime_plugin.__file__ != '$engine')") 2>/dev/null; then
  echo "hsi-lime setup: installing the engine (hsi_lime_plugin) into $VENV, editable"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
fi

# 3. build/scheduler-venv: what a Dask scheduler machine needs (docs/map-scale.md, "Running on a Dask cluster"): dask and
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
