#!/usr/bin/env bash
# The demo: build the synthetic soil scene and model (once), then explain the model with
# qgis_process: spatially with the field polygons and with SLIC superpixels as segments,
# and spectrally, field by field, with the superbands of the planted absorption features; then every field
# on its own at map scale (explain_fields) with the standard bands, which need no grammar.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/qgis_env.sh
DEMO=$PWD/build/demo
OUT=$DEMO/outputs
.venv/bin/python scripts/make_demo.py "$DEMO"
BAND_GROUPS=$(.venv/bin/python -c "from hsi_lime_plugin.demo import DEMO_BAND_GROUPS; print(DEMO_BAND_GROUPS)")
use_isolated_profile "$PWD/build/qgis"
mkdir -p "$OUT"

run() {  # run ALGORITHM TITLE PARAMETERS...: one timed qgis_process run on the demo scene and model
  local algorithm=$1 title=$2; shift 2
  echo; echo "== $algorithm, $title"
  local start=$(date +%s%N)
  "$QGIS_PROCESS" run "$algorithm" -- \
    INPUT="$DEMO/demo_scene.tif" MODEL="$DEMO/demo_soil.pt" N_SAMPLES=500 SEED=0 "$@" 2>&1 \
    | grep -vE "XDG_RUNTIME_DIR|setapi|^$"
  local ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf "wall time (qgis_process, including QGIS start): %d.%03d s\n" $((ms / 1000)) $((ms % 1000))
}

run hsilime:explain_spatial "field polygons" SEGMENTATION=0 POLYGONS="$DEMO/demo_fields.gpkg" ID_FIELD=field_id \
  OUTPUT="$OUT/fields_attribution.tif" OUTPUT_SEGMENTS="$OUT/fields_segments.gpkg" OUTPUT_REPORT="$OUT/fields_report.html"
run hsilime:explain_spatial "SLIC superpixels" SEGMENTATION=1 N_SEGMENTS=50 \
  OUTPUT="$OUT/slic_attribution.tif" OUTPUT_SEGMENTS="$OUT/slic_segments.gpkg"
run hsilime:explain_spectral "superbands, field by field" BAND_GROUPS="$BAND_GROUPS" \
  POLYGONS="$DEMO/demo_fields.gpkg" ID_FIELD=field_id OUTPUT_TABLE="$OUT/spectral_importance.csv" \
  OUTPUT_BANDS="$OUT/band_attribution.csv" OUTPUT_SUMMARY="$OUT/spectral_summary.csv" \
  OUTPUT_PLOT="$OUT/spectral_importance.png" OUTPUT_REPORT="$OUT/spectral_report.html"
run hsilime:explain_fields "every field on its own, map scale (standard bands)" UNITS=0 KIND=1 \
  POLYGONS="$DEMO/demo_fields.gpkg" ID_FIELD=field_id OUTPUT_UNITS="$OUT/units.gpkg" \
  OUTPUT_TABLE="$OUT/unit_attribution.csv" OUTPUT_SUMMARY="$OUT/unit_summary.csv" OUTPUT_REPORT="$OUT/units_report.html"

echo
echo "Demo outputs (open them in QGIS: the layers carry their diverging attribution style):"
ls -1 "$OUT"/*.tif "$OUT"/*.gpkg "$OUT"/*.csv "$OUT"/*.png "$OUT"/*.html
