# Sourced by the scripts that run qgis_process: finds the binary and isolates the profile.
# Debian's /usr/bin/qgis_process wrapper passes --noversioncheck, which the 3.22 binary
# rejects; call qgis_process.bin directly where it exists.
QGIS_PROCESS=$(command -v qgis_process.bin || command -v qgis_process)
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}

# use_isolated_profile FOLDER: run QGIS with a profile and plugin folder under FOLDER, with
# this repository linked in as the plugin hsi_lime, and the plugin enabled.
use_isolated_profile() {
  local folder=$1 repo
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  mkdir -p "$folder/plugins" "$folder/profile"
  ln -sfn "$repo" "$folder/plugins/hsi_lime"
  export QGIS_PLUGINPATH="$folder/plugins" QGIS_CUSTOM_CONFIG_PATH="$folder/profile"
  "$QGIS_PROCESS" plugins enable hsi_lime >/dev/null 2>&1 || true
}
