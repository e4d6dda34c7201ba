#!/usr/bin/env bash
# make docs: the documentation site in build/site.
#  1. build/docs-venv with the tools of scripts/docs_tools.txt (made once; again when that list changes);
#  2. the algorithm reference, generated from the plugin's provider with the project's Python, which sees
#     PyQGIS (scripts/docs_reference.py -> build/docs/reference);
#  3. the screenshots (make screenshots -> build/screenshots), taken when there are none yet;
#  4. mkdocs build --strict (mkdocs.yml): a broken link, anchor or image, or a page left out, fails the build.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=build/docs-venv
stamp="$VENV/.docs_tools"
if ! cmp -s scripts/docs_tools.txt "$stamp" 2>/dev/null; then
  echo "docs: installing the site's tools into $VENV"
  rm -rf "$VENV"
  /usr/bin/python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r scripts/docs_tools.txt
  cp scripts/docs_tools.txt "$stamp"
fi
QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/docs_reference.py build/docs/reference
if ! ls build/screenshots/*.png >/dev/null 2>&1; then
  .venv/bin/python scripts/screenshots.py
fi
# mkdocs through the venv's Python (its scripts name the path the venv was made at; see the Makefile)
NO_MKDOCS_2_WARNING=1 "$VENV/bin/python" -m mkdocs build --strict --config-file mkdocs.yml
echo "docs: the site is in build/site (open build/site/index.html)"
