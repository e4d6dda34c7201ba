#!/usr/bin/env bash
# Build dist/hsi_lime-<version>.zip: the plugin folder as the QGIS plugin repository wants
# it (one top-level folder named like the plugin), with compiled translations and without
# tests, benchmarks or tooling. Dependencies (torch, spyndex) are not bundled: the plugin's
# algorithm "Install or update Python dependencies" installs them (pinned by
# hsi_lime_constraints.txt, which is shipped), and docs/install.md says how to do it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version=//p' metadata.txt)
mkdir -p dist
out="dist/hsi_lime-$version.zip"
rm -f "$out"
python3 - "$out" <<'PY'
import subprocess, sys, zipfile
from pathlib import Path

out = Path(sys.argv[1])
tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True, check=True).stdout.split()
keep_roots = ("metadata.txt", "__init__.py", "plugin.py", "dependencies.py", "installer.py", "platforms.py", "hsi_lime_constraints.txt",
              "icon.svg", "LICENSE", "README.md", "processing_algorithms/", "gui/", "hsi_lime_plugin/", "i18n/")
# not needed at run time: the demo generator (make demo), translation sources (the .qm are shipped)
files = [f for f in tracked if f.startswith(keep_roots) and not f.startswith("hsi_lime_plugin/demo/")
         and not f.endswith(".ts")]
files += [str(p) for p in Path("i18n").glob("*.qm")]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
    for name in sorted(set(files)):
        archive.write(name, f"hsi_lime/{name}")
print(f"{out}: {len(set(files))} files, {out.stat().st_size / 1024:.0f} KiB")
PY
