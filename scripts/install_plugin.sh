#!/usr/bin/env bash
# Link this repository into the user's default QGIS profile as the plugin hsi_lime and
# enable it. The plugin finds .venv (torch, spyndex) by itself, so QGIS started the
# ordinary way needs no environment variable.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/scripts/qgis_env.sh"
unset QGIS_CUSTOM_CONFIG_PATH QGIS_PLUGINPATH
profile="$HOME/.local/share/QGIS/QGIS3/profiles/default"
plugins="$profile/python/plugins"
mkdir -p "$plugins"
if [ -e "$plugins/hsi_lime" ] && [ ! -L "$plugins/hsi_lime" ]; then
  echo "install: $plugins/hsi_lime exists and is not a link to this repository; remove it first." >&2
  exit 1
fi
ln -sfn "$repo" "$plugins/hsi_lime"
"$QGIS_PROCESS" plugins enable hsi_lime >/dev/null 2>&1
echo "hsi_lime is linked at $plugins/hsi_lime and enabled."
echo "Start QGIS: Processing Toolbox -> Hyperspectral explanations."
