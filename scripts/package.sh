#!/usr/bin/env bash
# Build dist/hsi_lime-<version>.zip: the plugin folder as the QGIS plugin repository wants
# it (one top-level folder named like the plugin), with compiled translations and without
# tests, benchmarks or tooling. Dependencies (torch, spyndex) are not bundled: the README
# says how to install them.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version=//p' metadata.txt)
mkdir -p dist
out="dist/hsi_lime-$version.zip"
rm -f "$out"
.venv/bin/python - "$out" <<'PY'
import subprocess, sys, zipfile
from pathlib import Path

out = Path(sys.argv[1])
tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True, check=True).stdout.split()
keep_roots = ("metadata.txt", "__init__.py", "plugin.py", "dependencies.py", "icon.svg", "LICENSE", "README.md",
              "processing_algorithms/", "hsi_lime_plugin/", "i18n/")
files = [f for f in tracked if f.startswith(keep_roots)] + [str(p) for p in Path("i18n").glob("*.qm")]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
    for name in sorted(set(files)):
        archive.write(name, f"hsi_lime/{name}")
print(f"{out}: {len(set(files))} files")
PY
