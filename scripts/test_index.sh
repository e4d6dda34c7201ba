#!/usr/bin/env bash
# The engine's tests on today's package-index stack, the one notebooks, Dask workers and the GPU machine
# have: a plain virtual environment (no system site packages, so no QGIS and none of Debian's packages)
# with the newest releases, torch excepted (2.13.0: on Python 3.11 the CPU wheel on this machine's disk; a
# newer torch would download several GB of CUDA). The tests that need QGIS skip and say so.
#
#   scripts/test_index.sh [PYTEST ARGUMENTS...]     (INDEX_PYTHON: the interpreter, default python3 on PATH)
#
# The venv (.venv-index) is made anew when the interpreter or this list changes, and upgraded to the newest
# releases once a day; pip's versions are printed before the tests run.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-index
PYTHON=${INDEX_PYTHON:-python3}
PACKAGES=(numpy pandas rasterio geopandas pyogrio shapely scipy matplotlib scikit-image scikit-learn spyndex
  captum onnx onnxruntime onnxscript skops skl2onnx dask distributed pytest hypothesis h5py shap torch==2.13.0)

wanted="$("$PYTHON" -c 'import sys; print(sys.executable, sys.version)') ${PACKAGES[*]} $(date +%F)"
if [ "$(cat "$VENV/.hsi_lime_packages" 2>/dev/null)" != "$wanted" ]; then
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  echo "test-index: installing the newest releases into $VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PACKAGES[@]}"
  echo "$wanted" > "$VENV/.hsi_lime_packages"
fi
"$VENV/bin/python" -m pip list --disable-pip-version-check --format=freeze 2>/dev/null \
  | grep -iE "^(numpy|pandas|rasterio|geopandas|pyogrio|shapely|scipy|matplotlib|scikit-image|scikit-learn|spyndex|captum|onnx|onnxruntime|onnxscript|skops|skl2onnx|dask|distributed|torch|pytest|hypothesis|h5py|shap)==" \
  | tr "\n" " "
echo
"$VENV/bin/python" -m pytest --confcutdir=tests "$@"  # see PYTEST in the Makefile
