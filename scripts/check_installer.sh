#!/usr/bin/env bash
# The in-QGIS installer end to end, as a user meets it: the plugin ZIP (scripts/package.sh) unzipped into a
# clean QGIS profile, `qgis_process plugins enable hsi_lime`, `qgis_process list` showing the provider,
# hsilime:install_dependencies into a fresh folder (pip with an empty cache of its own, so everything it
# needs is downloaded), then the demo scene (build/demo: `make demo` or `make check-installer` builds it)
# explained with only that folder on the path: no .venv, no repository.
#
#   scripts/check_installer.sh [DEVICE]     DEVICE: 0 auto-detect, 1 CPU only (default), 2 NVIDIA CUDA
#
# Prints and writes build/check-installer.json: the installer's wall time, what pip downloaded (the sizes of
# its "Downloading" lines) and left in its cache, the installed folder's size, the installer's report, and the
# explanation's result (the installer's whole output: build/check-installer-install.log).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/qgis_env.sh
DEVICE=${1:-1}
DEMO=$PWD/build/demo
for file in demo_scene.tif demo_soil.pt demo_fields.gpkg; do
  [ -f "$DEMO/$file" ] || { echo "check_installer: $DEMO/$file is missing: run make demo first" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash scripts/package.sh >/dev/null
version=$(sed -n 's/^version=//p' metadata.txt)
mkdir -p "$work/plugins" && python3 -m zipfile -e "dist/hsi_lime-$version.zip" "$work/plugins"
# a user's environment: nothing of this checkout's venv, a profile and a pip cache of the check's own
unset VIRTUAL_ENV PYTHONPATH HSI_LIME_DEPENDENCIES
PATH=$(tr : '\n' <<<"$PATH" | grep -v '\.venv' | paste -sd:)
export PATH QGIS_PLUGINPATH="$work/plugins" QGIS_CUSTOM_CONFIG_PATH="$work/profile" PIP_CACHE_DIR="$work/pip-cache"

"$QGIS_PROCESS" plugins enable hsi_lime >/dev/null
"$QGIS_PROCESS" list 2>/dev/null | grep -q "hsilime:install_dependencies" \
  || { echo "check_installer: qgis_process list does not show the hsi-lime provider" >&2; exit 1; }
echo "qgis_process list shows: $("$QGIS_PROCESS" list 2>/dev/null | grep -c 'hsilime:') hsilime algorithms"

started=$(date +%s%N)
status=0
"$QGIS_PROCESS" --json run hsilime:install_dependencies -- FOLDER="$work/deps" DEVICE="$DEVICE" \
  >"$work/install.json" 2>"$work/install.log" || status=$?
seconds=$(( ($(date +%s%N) - started) / 1000000 ))
size() { if [ -e "$1" ]; then du -sm "$1" | cut -f1; else echo 0; fi; }  # MB
cache=$(size "$work/pip-cache")
installed=$(size "$work/deps")
mkdir -p build && cat "$work/install.json" "$work/install.log" > build/check-installer-install.log
explained=skipped
if [ "$status" -eq 0 ]; then
  mkdir -p "$work/out"
  HSI_LIME_DEPENDENCIES="$work/deps" "$QGIS_PROCESS" --json run hsilime:explain_spatial -- \
    INPUT="$DEMO/demo_scene.tif" MODEL="$DEMO/demo_soil.pt" SEGMENTATION=0 POLYGONS="$DEMO/demo_fields.gpkg" \
    ID_FIELD=field_id N_SAMPLES=200 SEED=0 OUTPUT="$work/out/fields_attribution.tif" \
    >"$work/explain.json" 2>"$work/explain.log" && explained=passed || explained=failed
fi
python3 - "$work" "$DEVICE" "$status" "$seconds" "$cache" "$installed" "$explained" <<'PY'
import json, re, sys
from pathlib import Path

work, device, status, ms, cache, installed, explained = sys.argv[1:]
work = Path(work)
UNITS = {"kB": 1e-3, "MB": 1.0, "GB": 1e3}
log = Path("build/check-installer-install.log").read_text(errors="replace")
# pip's "Downloading NAME (12.3 MB)" lines: what came over the network (the cache started empty); where the
# index serves no metadata files and pip's cache keeps nothing, the plan and the installation both fetch a wheel
lines = re.findall(r"Downloading (\S+) \(([\d.]+) (kB|MB|GB)\)", log)
downloaded = sum(float(size) * UNITS[unit] for _, size, unit in lines)
files = sum(float(size) * UNITS[unit] for _, size, unit in {line[0]: line for line in lines}.values())
def results(name):
    try:
        return json.loads((work / f"{name}.json").read_text())["results"]
    except (OSError, ValueError, KeyError):
        return None
install = results("install")
explain = results("explain")
figures = {
    "device": {"0": "auto", "1": "cpu", "2": "cuda"}[device],
    "installer_exit_code": int(status), "installer_wall_s": round(int(ms) / 1000, 1),
    "downloaded_mb": round(downloaded), "distinct_files_mb": round(files), "pip_cache_mb": int(cache),
    "installed_mb": int(installed),
    "report": install["REPORT"] if install else (work / "install.log").read_text()[-1500:],
    "explanation": explained,
    "scores": explain.get("SCORES") if explain else None,
}
if explained == "failed":
    figures["explanation_log"] = (work / "explain.log").read_text()[-2000:]
Path("build").mkdir(exist_ok=True)
Path("build/check-installer.json").write_text(json.dumps(figures, indent=2))
print(json.dumps(figures, indent=2))
sys.exit(0 if explained == "passed" else 1)
PY
