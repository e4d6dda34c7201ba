#!/usr/bin/env bash
# The demo: build the synthetic soil scene and model (once), then explain the model with
# qgis_process twice, with the field polygons and with SLIC superpixels as segments.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/qgis_env.sh
DEMO=build/demo
OUT=$DEMO/outputs
.venv/bin/python scripts/make_demo.py "$DEMO"
use_isolated_profile "$PWD/build/qgis"
mkdir -p "$OUT"

run() {  # run NAME PARAMETERS...: one explain_spatial run, timed
  local name=$1; shift
  echo; echo "== hsilime:explain_spatial, $name"
  local start=$(date +%s%N)
  "$QGIS_PROCESS" run hsilime:explain_spatial -- \
    INPUT="$PWD/$DEMO/demo_scene.tif" MODEL="$PWD/$DEMO/demo_soil.pt" N_SAMPLES=500 SEED=0 "$@" 2>&1 \
    | grep -vE "XDG_RUNTIME_DIR|setapi|^$"
  local ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf "wall time (qgis_process, including QGIS start): %d.%03d s\n" $((ms / 1000)) $((ms % 1000))
}

run "field polygons" SEGMENTATION=0 POLYGONS="$PWD/$DEMO/demo_fields.gpkg" ID_FIELD=field_id \
  OUTPUT="$PWD/$OUT/fields_attribution.tif" OUTPUT_SEGMENTS="$PWD/$OUT/fields_segments.gpkg"
run "SLIC superpixels" SEGMENTATION=1 N_SEGMENTS=50 \
  OUTPUT="$PWD/$OUT/slic_attribution.tif" OUTPUT_SEGMENTS="$PWD/$OUT/slic_segments.gpkg"

echo
echo "Demo outputs (open them in QGIS: they carry their diverging attribution style):"
ls -1 "$PWD/$OUT"/*.tif "$PWD/$OUT"/*.gpkg
